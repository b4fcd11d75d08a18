package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: neither id nor @GCacheId is a build error. */
class NoIdTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "no entity id");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id")
        public String get(String id) {
            return id;
        }
    }
}
