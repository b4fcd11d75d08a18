package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R12: a Multi @GCached method is a build error. */
class MultiMethodTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#stream", "does not support streams");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id")
        public io.smallrye.mutiny.Multi<String> stream(String id) {
            return io.smallrye.mutiny.Multi.createFrom().item(id);
        }
    }
}
