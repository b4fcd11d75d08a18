package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** Until @GCacheInvalidate is implemented, using it fails the build rather than silently not invalidating. */
class InvalidateNotYetSupportedTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "update", "@GCacheInvalidate is not supported yet");

    @Test
    void buildFails() {
        Assertions.fail("the build must fail");
    }

    @ApplicationScoped
    public static class Bean {
        @GCacheInvalidate(keyType = "user_id", id = "id")
        public void update(String id) {
        }
    }
}
