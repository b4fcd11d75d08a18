package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R14a: a value so large that reading it times out is found by a size check after the timeout, deleted, and counted
 * {@code value_too_large} like one the read itself finds, so it cannot time out every read.
 */
class OversizeTimeoutTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Store.class)
            .overrideConfigKey("quarkus.gcache.remote.max-value-size", "65536")
            // 128 MiB take far longer than this to arrive and be parsed, even over loopback
            .overrideConfigKey("quarkus.gcache.remote.timeout", "10ms");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Store store;

    @Test
    void anOversizeValueThatTimesOutTheReadIsDeletedAndCounted() {
        String key = "{urn:item:huge}#Huge";
        REDIS.setBytes(key, new byte[128 * 1024 * 1024]);
        UseCase uc = runtime.useCase("Huge");
        long tooLarge = uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE);
        long redisErrors = uc.stats().errors(StatLayer.REMOTE, ErrorKind.REDIS);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(store.huge("huge")).isEqualTo("small-huge");
        }
        assertThat(uc.stats().errors(StatLayer.REMOTE, ErrorKind.REDIS)).as("the read timed out").isEqualTo(redisErrors + 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE)).isEqualTo(tooLarge + 1);
            byte[] now = REDIS.getBytes(key);
            assertThat(now == null ? 0 : now.length).isLessThan(65536);
        });
    }

    @Singleton
    public static class Store {
        @GCached(keyType = "item", id = "id", useCase = "Huge", remoteTtl = "1m", remoteRamp = 100)
        public String huge(String id) {
            return "small-" + id;
        }
    }
}
