package io.quarkiverse.gcache.test.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * R21 for REMOTE: with {@code remote.early-refresh}, a hot REMOTE entry (1 s TTL, 50 ms method, LOCAL off) is
 * recomputed before it expires, under its lease, so once the first value is in Redis no caller finds it absent;
 * without it, the entry expires and callers miss about once per TTL.
 */
class RemoteEarlyRefreshTest {

    static final Duration RUN = Duration.ofSeconds(3);

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Hot.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"RemoteRefreshed\".remote.early-refresh", "true")
            .overrideConfigKey("quarkus.gcache.use-case.\"RemoteRefreshedUni\".remote.early-refresh", "true")
            // β 2 refreshes about twice as far ahead of expiry (~400 ms here): the refresh (a lease, 50 ms, a write)
            // then ends before expiry with room to spare on a loaded 2-core CI machine
            .overrideConfigKey("quarkus.gcache.early-refresh-beta", "2");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Singleton
    static class Hot {
        final AtomicInteger refreshedRuns = new AtomicInteger();
        final AtomicInteger plainRuns = new AtomicInteger();
        final AtomicInteger uniRuns = new AtomicInteger();

        @GCached(keyType = "item_id", useCase = "RemoteRefreshed", remoteTtl = "1s", remoteRamp = 100)
        public String refreshed(@GCacheId String id) {
            refreshedRuns.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the method's own work
            return "v-" + id;
        }

        @GCached(keyType = "item_id", useCase = "RemotePlain", remoteTtl = "1s", remoteRamp = 100)
        public String plain(@GCacheId String id) {
            plainRuns.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            return "v-" + id;
        }

        @GCached(keyType = "item_id", useCase = "RemoteRefreshedUni", remoteTtl = "1s", remoteRamp = 100)
        public Uni<String> uni(@GCacheId String id) {
            return Uni.createFrom().item(() -> {
                uniRuns.incrementAndGet();
                return "v-" + id;
            }).onItem().delayIt().by(Duration.ofMillis(50));
        }
    }

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Hot hot;

    @Test
    void aHotRemoteEntryIsRefreshedBeforeItExpires() throws Exception {
        // the first call computes; its write is asynchronous, so count only the misses once the value is in Redis
        try (GCache.Scope scope = gcache.enable()) {
            hot.refreshed("k");
            hot.plain("k");
            hot.uni("k").await().atMost(Duration.ofSeconds(5));
        }
        for (String useCase : List.of("RemoteRefreshed", "RemotePlain", "RemoteRefreshedUni")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> (Long) REDIS.call("EXISTS", "{urn:item_id:k}#" + useCase) == 1);
        }
        long refreshedAbsent0 = absent("RemoteRefreshed");
        long plainAbsent0 = absent("RemotePlain");
        long uniAbsent0 = absent("RemoteRefreshedUni");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            long end = System.nanoTime() + RUN.toNanos();
            List<Future<?>> load = new ArrayList<>();
            load.add(pool.submit(() -> hammer(end, () -> hot.refreshed("k"))));
            load.add(pool.submit(() -> hammer(end, () -> hot.plain("k"))));
            load.add(pool.submit(() -> hammer(end,
                    () -> hot.uni("k").await().atMost(Duration.ofSeconds(5)))));
            for (Future<?> f : load) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long refreshedAbsent = absent("RemoteRefreshed") - refreshedAbsent0;
        long plainAbsent = absent("RemotePlain") - plainAbsent0;
        long uniAbsent = absent("RemoteRefreshedUni") - uniAbsent0;
        long early = runtime.useCase("RemoteRefreshed").stats().misses(StatLayer.REMOTE, MissReason.EARLY_REFRESH);
        System.out.printf("GCACHE REMOTE early refresh, %s after the first call, 1 s TTL, 50 ms method: with it %d runs, "
                + "%d absent misses (%d early refreshes), Uni %d runs, %d absent; without it %d runs, %d absent misses%n",
                RUN,
                hot.refreshedRuns.get(), refreshedAbsent, early, hot.uniRuns.get(), uniAbsent, hot.plainRuns.get(),
                plainAbsent);
        // with early refresh no caller found the entry gone; the method ran about once per TTL
        assertThat(refreshedAbsent).isZero();
        assertThat(uniAbsent).isZero();
        assertThat(early).isGreaterThanOrEqualTo(2);
        assertThat(hot.refreshedRuns.get()).isBetween(3, 12);
        assertThat(hot.uniRuns.get()).isBetween(3, 12);
        // without it the entry expired, and a caller missed, about once per TTL
        assertThat(plainAbsent).isGreaterThanOrEqualTo(2);
    }

    private long absent(String useCase) {
        return runtime.useCase(useCase).stats().misses(StatLayer.REMOTE, MissReason.ABSENT);
    }

    private void hammer(long end, Runnable call) {
        while (System.nanoTime() - end < 0) {
            try (GCache.Scope scope = gcache.enable()) {
                call.run();
            }
        }
    }
}
