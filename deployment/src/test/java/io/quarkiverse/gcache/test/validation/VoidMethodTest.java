package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R12: a void @GCached method is a build error. */
class VoidMethodTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#touch", "returns void");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id")
        public void touch(String id) {
        }
    }
}
