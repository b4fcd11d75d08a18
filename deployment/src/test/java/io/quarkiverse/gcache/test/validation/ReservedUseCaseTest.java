package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: the use case name watermark is reserved. */
class ReservedUseCaseTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "watermark", "reserved");

    @Test
    void buildFails() {
        Assertions.fail("the build must fail");
    }

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id", useCase = "watermark")
        public String get(String id) {
            return id;
        }
    }
}
