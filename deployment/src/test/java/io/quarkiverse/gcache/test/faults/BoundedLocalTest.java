package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code local.maximum-size} holds under load (reference §4): 100,000 distinct keys from 8 threads never leave
 * more than the maximum once the load stops. Before, eviction ran on the common pool, lagged on 2 cores, and 33,135
 * entries were left for a maximum of 10,000.
 */
class BoundedLocalTest {

    static final int MAXIMUM = 10_000;
    /** Entries Caffeine may hold beyond the maximum while a write is being processed: one per writing thread. */
    static final int MARGIN = 8;

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class)
            .overrideConfigKey("quarkus.gcache.local.maximum-size", String.valueOf(MAXIMUM));

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @Test
    void oneHundredThousandKeysNeverLeaveMoreThanTheMaximum() throws Exception {
        LocalLayer local = runtime.useCase("Fast").localLayer();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong largest = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (loading.get()) {
                largest.accumulateAndGet(local.size(), Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        List<Future<?>> tasks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(pool.submit(() -> {
                try (GCache.Scope scope = gcache.enable()) {
                    for (int i = thread; i < 100_000; i += 8) {
                        catalog.fast("k" + i);
                    }
                }
            }));
        }
        for (Future<?> task : tasks) {
            task.get(5, TimeUnit.MINUTES);
        }
        loading.set(false);
        sampler.join();
        pool.shutdown();
        long after = local.size();
        System.out.printf("GCACHE bounded LOCAL: 100000 keys from 8 threads in %.1f s; maximum-size %d, largest size "
                + "seen during the load %d, size once it stopped %d%n", (System.nanoTime() - t0) / 1e9, MAXIMUM,
                largest.get(), after);
        assertThat(after).isLessThanOrEqualTo(MAXIMUM + MARGIN);
    }
}
