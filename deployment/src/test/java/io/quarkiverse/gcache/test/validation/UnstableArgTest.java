package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: a key parameter without a stable string form, adapter or @GCacheIgnore is a build error. */
class UnstableArgTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "parameter filters",
            "no stable string form", "@GCacheArg(adapter");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id")
        public String get(String id, java.util.List<String> filters) {
            return id;
        }
    }
}
