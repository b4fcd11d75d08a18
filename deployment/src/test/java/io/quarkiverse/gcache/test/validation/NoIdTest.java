package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: neither id nor @GCacheId is a build error. */
class NoIdTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "no entity id");

    @Test
    void buildFails() {
        Assertions.fail("the build must fail");
    }

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id")
        public String get(String id) {
            return id;
        }
    }
}
