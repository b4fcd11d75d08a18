package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.layers.Envelope;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Reference R6a with the server's clock sampled: REMOTE reads ask Redis for {@code TIME} at most about once a second,
 * and a value is still stamped no later than the server's time when its computation began.
 */
class ServerTimeTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Remote.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Singleton
    static class Remote {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "RemoteOnly", remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return "v" + id;
        }
    }

    @Inject
    GCache gcache;
    @Inject
    Remote remote;

    @Test
    void remoteHitsAskForTheServersTimeAtMostOnceASecond() {
        call("1");
        await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:1}#RemoteOnly") == 1);
        REDIS.call("CONFIG", "RESETSTAT");
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertThat(call("1")).isEqualTo("v1");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(remote.calls).hasValue(1);
        assertThat(commandCalls("mget")).isEqualTo(50);
        assertThat(commandCalls("time")).isLessThanOrEqualTo(1 + seconds);
    }

    @Test
    void aValueIsStampedNoLaterThanTheServersTimeWhenItsComputationBegan() {
        for (String id : List.of("a", "b", "c")) {
            call(id); // misses: some with the read's own TIME, some with the sampled clock
            await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:" + id + "}#RemoteOnly") == 1);
        }
        long before = serverMillis();
        call("d");
        long after = serverMillis();
        await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:d}#RemoteOnly") == 1);
        long stamp = Envelope.createdAt(REDIS.getBytes("{urn:k:d}#RemoteOnly"));
        assertThat(stamp).isLessThanOrEqualTo(after).isGreaterThan(before - 1000);
    }

    private String call(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return remote.get(id);
        }
    }

    private static long serverMillis() {
        @SuppressWarnings("unchecked")
        List<Object> time = (List<Object>) REDIS.call("TIME");
        return Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
    }

    private static long commandCalls(String command) {
        for (String line : ((String) REDIS.call("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                int start = line.indexOf("calls=") + 6;
                return Long.parseLong(line.substring(start, line.indexOf(',', start)));
            }
        }
        return 0;
    }
}
