package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: the use case name watermark is reserved. */
class ReservedUseCaseTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "watermark", "reserved");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id", useCase = "watermark")
        public String get(String id) {
            return id;
        }
    }
}
