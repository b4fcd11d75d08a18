package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
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
        /**
         * When set, the server's time when the method began, read from inside it; the method then runs for 200 ms, so
         * a stamp taken at its end would be visibly later.
         */
        volatile AtomicLong began;

        @GCached(keyType = "k", id = "id", useCase = "RemoteOnly", remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            AtomicLong b = began;
            if (b != null) {
                b.set(serverMillis());
                // its work: 200 ms by the local clock (polling the server's would add TIME calls the test counts)
                long t0 = System.nanoTime();
                await().pollInterval(Duration.ofMillis(10))
                        .until(() -> System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200));
            }
            return "v" + id;
        }
    }

    @Inject
    GCache gcache;
    @Inject
    Remote remote;
    @Inject
    GCacheRuntime runtime;

    @Test
    void remoteHitsAskForTheServersTimeAtMostOnceASecond() throws Exception {
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
    void aValueIsStampedNoLaterThanTheServersTimeWhenItsComputationBegan() throws Exception {
        // an entity with a watermark: the first read of one without would create it by a script that asks the
        // server's time itself (R25), and this test is about the reads that take their time from the sample
        REDIS.call("SET", "{urn:k:d}#watermark", "1");
        REDIS.call("CONFIG", "RESETSTAT");
        // a fresh sample of the server's clock, as a read takes one: the next read needs no TIME of its own
        long sent = System.nanoTime();
        runtime.remote().clock().record(serverMillis(), sent);
        AtomicLong began = new AtomicLong();
        remote.began = began;
        try {
            call("d"); // a miss: the stamp comes from the sample
        } finally {
            remote.began = null;
        }
        assertThat(commandCalls("time")).as("the sample's and the method's, none of the read's").isEqualTo(2);
        await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:d}#RemoteOnly") == 1);
        long stamp = Envelope.createdAt(REDIS.getBytes("{urn:k:d}#RemoteOnly"));
        // not when the value reached Redis, 200 ms later: when the computation began, at the latest
        assertThat(stamp).isLessThanOrEqualTo(began.get()).isGreaterThan(began.get() - 1000);
    }

    private String call(String id) throws InterruptedException {
        try (GCache.Scope scope = gcache.enable()) {
            return remote.get(id);
        }
    }

    static long serverMillis() {
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
