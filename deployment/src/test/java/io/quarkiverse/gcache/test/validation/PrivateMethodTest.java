package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R12: a private @GCached method is a build error. */
class PrivateMethodTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "must not be private");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id", localTtl = "1m", localRamp = 100)
        private String get(String id) {
            return id;
        }
    }
}
