package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Concurrency (reference rules R9, R10, R11): 64 threads over a small key space while ramps change and
 * invalidations run. No exception escapes, every value a caller gets is one the method produced for that key, and
 * without invalidations concurrent misses of one key run the method once.
 */
class ConcurrencyTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Versions.class)
            // 64 callers: a pool sized as the operating guide says (the defaults, 6 and 24, are for light use)
            .overrideConfigKey("quarkus.redis.max-pool-size", "32")
            .overrideConfigKey("quarkus.redis.max-pool-waiting", "256");

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final int THREADS = 64;

    @Inject
    GCache gcache;
    @Inject
    Versions versions;

    @Test
    void singleFlightRunsTheMethodOncePerKey() throws Exception {
        REDIS.flushAll();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 20; round++) {
                String id = "sf" + round;
                CyclicBarrier start = new CyclicBarrier(THREADS);
                int before = versions.calls.get();
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    boolean reactive = t % 2 == 0;
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try (GCache.Scope scope = gcache.enable()) {
                            return reactive ? versions.uni(id).await().atMost(Duration.ofSeconds(10)) : versions.both(id);
                        }
                    }));
                }
                for (Future<String> r : results) {
                    String value = r.get(30, TimeUnit.SECONDS);
                    assertThat(versions.produced.get(id)).contains(value);
                }
                // the sync and the reactive use case each computed the key once
                assertThat(versions.calls.get() - before).as("round " + round).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void chaosLeavesEveryValueOneTheMethodProducedForThatKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);
        AtomicLong calls = new AtomicLong();
        Semaphore progress = new Semaphore(0);
        AtomicLong wrong = new AtomicLong();
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                tasks.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() - end < 0) {
                        String id = "c" + random.nextInt(8);
                        try (GCache.Scope scope = gcache.enable()) {
                            String value = random.nextBoolean() ? versions.both(id)
                                    : versions.uni(id).await().atMost(Duration.ofSeconds(10));
                            if (!value.startsWith(id + "@") || !versions.produced.get(id).contains(value)) {
                                wrong.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            escaped.compareAndSet(null, e);
                        }
                        calls.incrementAndGet();
                        progress.release(2); // one permit for each chaos task below
                    }
                }));
            }
            tasks.add(pool.submit(() -> { // ramps and TTLs change under the callers' feet
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0) {
                    for (String uc : new String[] { "VersionsBoth", "VersionsUni" }) {
                        CacheLayer layer = random.nextBoolean() ? CacheLayer.LOCAL : CacheLayer.REMOTE;
                        try {
                            gcache.control().override(uc, layer, random.nextBoolean() ? null : Duration.ofSeconds(30),
                                    random.nextInt(101));
                        } catch (IllegalStateException localOnly) {
                            // documented: Redis was too busy to store it fleet-wide; it applies here all the same
                        }
                    }
                    awaitCalls(progress, end);
                }
                return null;
            }));
            tasks.add(pool.submit(() -> { // and entities are invalidated
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0) {
                    gcache.invalidate("v", "c" + random.nextInt(8));
                    awaitCalls(progress, end);
                }
                return null;
            }));
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            for (String uc : new String[] { "VersionsBoth", "VersionsUni" }) {
                for (CacheLayer layer : CacheLayer.values()) {
                    gcache.control().clearOverride(uc, layer);
                }
            }
        }
        System.out.printf("GCACHE concurrency: %d calls from %d threads with ramps changing and invalidations "
                + "running: %d wrong values, escaped exception: %s%n", calls.get(), THREADS, wrong.get(), escaped.get());
        assertThat(escaped.get()).isNull();
        assertThat(wrong).hasValue(0);
        assertThat(calls.get()).isGreaterThan(1000);
    }

    /** Each change waits until the callers have made another round of calls (or the run is over). */
    private static void awaitCalls(Semaphore progress, long end) throws InterruptedException {
        progress.tryAcquire(THREADS, Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
