package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** Annotation TTLs are parsed at build time. */
class BadTtlTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "localTtl", "not a duration");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "id", localTtl = "soon")
        public String get(String id) {
            return id;
        }
    }
}
