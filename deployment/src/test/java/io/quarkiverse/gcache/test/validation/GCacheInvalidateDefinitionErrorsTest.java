package io.quarkiverse.gcache.test.validation;

import static io.quarkiverse.gcache.test.validation.DefinitionErrors.error;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Multi;

/**
 * R12, R13: an application with one broken {@code @GCacheInvalidate} declaration per rule fails its build once, with
 * every error listed, each typed and naming its method.
 */
class GCacheInvalidateDefinitionErrorsTest {

    private static final String B = Broken.class.getName() + "#";

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Broken.class, OnClass.class, User.class,
                    DefinitionErrors.class, DefinitionErrors.Expected.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .assertException(DefinitionErrors.exactly(
                    error("UnsupportedMethodException", OnClass.class.getName(), "belongs on methods"),
                    error("UnsupportedMethodException", B + "privateMethod", "neither private nor static"),
                    error("UnsupportedMethodException", B + "staticMethod", "neither private nor static"),
                    error("UnsupportedMethodException", B + "stream", "does not support streams"),
                    error("InvalidSettingException", B + "emptyKeyType", "keyType must not be empty"),
                    error("EntityIdException", B + "noId", "no entity id"),
                    error("EntityIdException", B + "idTwice", "the id is given twice", "parameter other"),
                    error("EntityIdException", B + "twoIdParameters", "more than one parameter carries @GCacheId"),
                    error("EntityIdException", B + "idNamesNoParameter", "userId", "names no parameter"),
                    error("EntityIdException", B + "idNamesNoProperty", "user.email", "cannot be resolved"),
                    error("EntityIdException", B + "unstableId", "no stable string form")));

    @Test
    void buildFails() {
        Assertions.fail("the build must fail"); // never runs when the build fails as asserted above
    }

    @ApplicationScoped
    public static class Broken {

        @GCacheInvalidate(keyType = "user_id", id = "id")
        private void privateMethod(String id) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "id")
        public static void staticMethod(String id) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "id")
        public Multi<String> stream(String id) {
            return Multi.createFrom().item(id);
        }

        @GCacheInvalidate(keyType = "", id = "id")
        public void emptyKeyType(String id) {
        }

        @GCacheInvalidate(keyType = "user_id")
        public void noId(String id) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "id")
        public void idTwice(String id, @GCacheId String other) {
        }

        @GCacheInvalidate(keyType = "user_id")
        public void twoIdParameters(@GCacheId String id, @GCacheId String other) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "userId")
        public void idNamesNoParameter(String id) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "user.email")
        public void idNamesNoProperty(User user) {
        }

        @GCacheInvalidate(keyType = "user_id", id = "ids")
        public void unstableId(List<String> ids) {
        }
    }

    @ApplicationScoped
    @GCacheInvalidate(keyType = "user_id", id = "id")
    public static class OnClass {
        public void rename(String id) {
        }
    }

    public record User(String id) {
    }
}
