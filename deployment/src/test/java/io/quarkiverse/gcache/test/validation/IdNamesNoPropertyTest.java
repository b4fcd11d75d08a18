package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: an id property path that resolves to nothing is a build error. */
class IdNamesNoPropertyTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "user.email", "parameter user",
            "cannot be resolved");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "user.email")
        public String get(User user) {
            return user.id();
        }

        public record User(String id) {
        }
    }
}
