package io.quarkiverse.gcache.test.validation;

import jakarta.enterprise.context.ApplicationScoped;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.*;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** R13: an id that names no parameter is a build error naming class, method and the parameters. */
class IdNamesNoParameterTest extends BuildFails {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.buildFails(Bean.class, "Bean#get", "userId", "names no parameter", "[id]");

    @ApplicationScoped
    public static class Bean {
        @GCached(keyType = "user_id", id = "userId")
        public String get(String id) {
            return id;
        }
    }
}
