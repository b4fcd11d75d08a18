package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * quarkus.gcache.remote.client-name selects a named Quarkus Redis client (the default one is not used), and
 * quarkus.gcache.urn-prefix replaces {@code urn} in every key (R4).
 */
class NamedClientTest {

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bean.class, GCacheApps.class, PrivateRedis.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.gcache.remote.client-name", "cache")
            .overrideConfigKey("quarkus.gcache.urn-prefix", "users-api")
            .overrideConfigKey("quarkus.redis.cache.hosts", REDIS.uri() + "/3");

    @Inject
    GCache gcache;
    @Inject
    Bean bean;

    @Test
    void valuesGoToTheNamedClientsDatabase() {
        try (GCache.Scope scope = gcache.enable()) {
            bean.get("1");
        }
        await().until(() -> {
            // PrivateRedis.call opens a connection per command, so select the database in a script
            Object n = REDIS.call("EVAL", "redis.call('SELECT', 3) return redis.call('EXISTS', KEYS[1])", "1",
                    "{users-api:k:1}#NamedClientGet");
            return Long.valueOf(1).equals(n);
        });
        assertThat(REDIS.call("EXISTS", "{users-api:k:1}#NamedClientGet")).isEqualTo(0L); // not in db 0
    }

    @Singleton
    public static class Bean {
        @GCached(keyType = "k", id = "id", useCase = "NamedClientGet", remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            return "v" + id;
        }
    }
}
