package io.quarkiverse.gcache.test.validation;

import static io.quarkiverse.gcache.test.validation.DefinitionErrors.error;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * R12, R13: an application with one broken {@code @GCached} declaration per rule fails its build once, with every
 * error listed, each typed and naming its method.
 */
class GCachedDefinitionErrorsTest {

    private static final String B = Broken.class.getName() + "#";

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Broken.class, OnClass.class, User.class, Filter.class,
                    Holder.class, Shape.class, AbstractShape.class, Animal.class, Dog.class,
                    DefinitionErrors.class, DefinitionErrors.Expected.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            // R31: REMOTE configured by application.properties only, in a profile
            .overrideConfigKey("%prod.quarkus.gcache.use-case.\"ObjectByConfig\".remote.ttl", "1m")
            .assertException(DefinitionErrors.exactly(
                    error("UnsupportedMethodException", OnClass.class.getName(), "belongs on methods"),
                    error("UnsupportedMethodException", B + "privateMethod", "must not be private"),
                    error("UnsupportedMethodException", B + "staticMethod", "must not be static"),
                    error("UnsupportedMethodException", B + "voidMethod", "returns void"),
                    error("UnsupportedMethodException", B + "stream", "does not support streams"),
                    error("UnsupportedMethodException", B + "rawUni", "must declare its item type"),
                    error("UnsupportedMethodException", B + "typeVariable", "type variable"),
                    error("InvalidSettingException", B + "emptyKeyType", "keyType must not be empty"),
                    error("InvalidSettingException", B + "reserved", "'watermark'", "reserved"),
                    error("InvalidSettingException", B + "badTtl", "localTtl", "not a duration"),
                    error("InvalidSettingException", B + "negativeTtl", "remoteTtl", "is negative"),
                    error("InvalidSettingException", B + "rampOutOfRange", "localRamp = 101", "between 0 and 100"),
                    error("DuplicateUseCaseException", B + "duplicateB", "'same'", B + "duplicateA"),
                    error("EntityIdException", B + "twoIdParameters", "more than one parameter carries @GCacheId"),
                    error("EntityIdException", B + "idTwice", "the id is given twice", "parameter other"),
                    error("EntityIdException", B + "noId", "no entity id"),
                    error("EntityIdException", B + "idNamesNoParameter", "userId", "names no parameter", "[id]"),
                    error("EntityIdException", B + "idNamesNoProperty", "user.email", "cannot be resolved"),
                    error("EntityIdException", B + "unstableId", "has type", "no stable string form"),
                    error("UnstableKeyArgumentException", B + "unstableArgument", "parameter filter",
                            "@GCacheArg(adapter = ...) or @GCacheIgnore"),
                    error("UnstableKeyArgumentException", B + "unstableTypeArgument", "parameter filter",
                            "@GCacheArg(adapter = ...) or @GCacheIgnore"),
                    error("UnstableKeyArgumentException", B + "unstableJdkArgument", "parameter when",
                            "@GCacheArg(adapter = ...) or @GCacheIgnore"),
                    // R30: a record is keyed by its components, so each needs a stable form
                    error("UnstableKeyArgumentException", B + "unstableRecordComponent", "parameter holder",
                            "record component Holder.filter", "@GCacheArg(adapter = ...) or @GCacheIgnore"),
                    error("UnstableKeyArgumentException", B + "unstableListElement", "parameter filters",
                            "@GCacheArg(adapter = ...) or @GCacheIgnore"),
                    // R31: values that cannot come back from REMOTE as they were stored
                    error("ValueRoundTripException", B + "objectValue", "java.lang.Object", "LinkedHashMap",
                            "Declare the concrete type", "@GCached(serializer = ...)", "do not use REMOTE"),
                    error("ValueRoundTripException", B + "interfaceValue", Shape.class.getName(), "an interface",
                            "without Jackson type information", "Declare the concrete type",
                            "add @JsonTypeInfo to " + Shape.class.getName(), "@GCached(serializer = ...)",
                            "do not use REMOTE"),
                    error("ValueRoundTripException", B + "abstractValue", AbstractShape.class.getName(),
                            "an abstract class", "add @JsonTypeInfo"),
                    error("ValueRoundTripException", B + "valueWithSubclasses", Animal.class.getName(),
                            "has subclasses", Dog.class.getName(), "add @JsonTypeInfo"),
                    error("ValueRoundTripException", B + "listOfInterfaces", "java.util.List<",
                            Shape.class.getName(), "an interface"),
                    error("ValueRoundTripException", B + "objectByConfig", "java.lang.Object", "ObjectByConfig"),
                    error("ValueRoundTripException", B + "numberValue", "java.lang.Number", "an abstract class")));

    @Test
    void buildFails() {
        Assertions.fail("the build must fail"); // never runs when the build fails as asserted above
    }

    @ApplicationScoped
    public static class Broken {

        @GCached(keyType = "user_id", id = "id")
        private String privateMethod(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public static String staticMethod(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public void voidMethod(String id) {
        }

        @GCached(keyType = "user_id", id = "id")
        public Multi<String> stream(String id) {
            return Multi.createFrom().item(id);
        }

        @SuppressWarnings("rawtypes")
        @GCached(keyType = "user_id", id = "id")
        public Uni rawUni(String id) {
            return Uni.createFrom().item(id);
        }

        @GCached(keyType = "user_id", id = "id")
        public <T> T typeVariable(String id) {
            return null;
        }

        @GCached(keyType = "", id = "id")
        public String emptyKeyType(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "watermark")
        public String reserved(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", localTtl = "a minute")
        public String badTtl(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "-PT1S")
        public String negativeTtl(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", localRamp = 101)
        public String rampOutOfRange(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "same")
        public String duplicateA(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "same")
        public String duplicateB(String id) {
            return id;
        }

        @GCached(keyType = "user_id")
        public String twoIdParameters(@GCacheId String id, @GCacheId String other) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public String idTwice(String id, @GCacheId String other) {
            return id;
        }

        @GCached(keyType = "user_id")
        public String noId(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "userId")
        public String idNamesNoParameter(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "user.email")
        public String idNamesNoProperty(User user) {
            return user.id();
        }

        @GCached(keyType = "user_id", id = "ids")
        public String unstableId(List<String> ids) {
            return ids.get(0);
        }

        @GCached(keyType = "user_id", id = "id")
        public String unstableArgument(String id, Filter filter) {
            return id;
        }

        /** Date declares toString, but prints seconds in the JVM's time zone: two instants can share a key. */
        @GCached(keyType = "user_id", id = "id")
        public String unstableJdkArgument(String id, java.util.Date when) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public String unstableRecordComponent(String id, Holder holder) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public String unstableListElement(String id, List<Filter> filters) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "1m")
        public Object objectValue(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "1m")
        public Shape interfaceValue(String id) {
            return null;
        }

        @GCached(keyType = "user_id", id = "id", remoteRamp = 100)
        public AbstractShape abstractValue(String id) {
            return null;
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "1m")
        public Animal valueWithSubclasses(String id) {
            return new Dog();
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "1m")
        public Uni<List<Shape>> listOfInterfaces(String id) {
            return Uni.createFrom().item(List.of());
        }

        @GCached(keyType = "user_id", id = "id", useCase = "ObjectByConfig")
        public java.util.concurrent.CompletionStage<Map<String, Object>> objectByConfig(String id) {
            return java.util.concurrent.CompletableFuture.completedFuture(Map.of());
        }

        @GCached(keyType = "user_id", id = "id", remoteTtl = "1m", localTtl = "1m")
        public Number numberValue(String id) {
            return 1L;
        }

        /** Optional declares toString, but prints its content's: Filter has none. */
        @GCached(keyType = "user_id", id = "id")
        public String unstableTypeArgument(String id, java.util.Optional<Filter> filter) {
            return id;
        }
    }

    @ApplicationScoped
    @GCached(keyType = "user_id", id = "id")
    public static class OnClass {
        public String get(String id) {
            return id;
        }
    }

    public record User(String id) {
    }

    /** No toString: no stable string form. */
    public static class Filter {
        Map<String, String> values;
    }

    public record Holder(String name, Filter filter) {
    }

    public interface Shape {
    }

    public abstract static class AbstractShape {
    }

    public static class Animal {
        public String name;
    }

    public static class Dog extends Animal {
        public boolean goodBoy = true;
    }
}
