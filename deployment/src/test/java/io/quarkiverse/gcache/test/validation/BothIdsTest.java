package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: both id and @GCacheId is a build error. */
class BothIdsTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "the id is given twice",
            "parameter other");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id")
        public String get(String id, @GCacheId String other) {
            return id;
        }
    }
}
