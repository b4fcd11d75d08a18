package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: two methods with one use case name (overloads with the default name) are a build error. */
class DuplicateUseCaseTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Duplicate GCache use case", "Bean.get", "Bean#get");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id")
        public String get(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id")
        public String get(String id, int page) {
            return id + page;
        }
    }
}
