package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * R21: a hot key under 16 threads, LOCAL TTL 1 s, a 50 ms method, 10 s per run. Without early refresh the entry
 * expires once per TTL and the callers of that moment wait for one computation; with it one caller refreshes the
 * entry before it expires and the others keep getting it. Asserted with LOCAL miss counts (not timing); the
 * latencies (p99, max) are printed for both runs.
 */
class EarlyRefreshTest {

    static final Duration RUN = Duration.ofSeconds(10);
    static final int THREADS = 16;

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Hot.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.gcache.use-case.\"HotEarly\".local.early-refresh", "true")
            .overrideConfigKey("quarkus.gcache.use-case.\"HotUni\".local.early-refresh", "true");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Hot hot;

    @Test
    void oneCallerRefreshesAHotKeyBeforeItExpiresWhileTheOthersKeepTheCachedValue() throws Exception {
        Run plain = load("HotPlain", hot.plainRuns, hot::plain);
        Run early = load("HotEarly", hot.earlyRuns, hot::early);
        System.out.printf("GCACHE early refresh: without: %s%nGCACHE early refresh: with:    %s%n", plain, early);

        // without: the entry expires about once per TTL; each expiry is an absent miss whose computation every caller
        // of that moment waits for (single flight counts the waiters as served, so one miss per expiry)
        assertThat(plain.absentMisses).isGreaterThanOrEqualTo(8);
        // with: the entry never expires after the cold start; one caller at a time refreshes it ahead of expiry
        assertThat(early.absentMisses).isLessThanOrEqualTo(2);
        assertThat(early.earlyRefreshes).isGreaterThanOrEqualTo(5);
        // XFetch fires earlier the more calls there are (about δ·β·ln(calls in the remaining time) before expiry): at
        // the millions of calls per second of this loop that is a few runs per TTL, far from one per call
        assertThat(early.methodRuns).isBetween(5, 150);
    }

    /** A Uni method is refreshed on its own subscription: the picked caller gets the cached value like the others. */
    @Test
    void aReactiveHotKeyIsRefreshedInTheBackground() throws Exception {
        Run run = load("HotUni", hot.uniRuns, id -> hot.uni(id).await().atMost(Duration.ofSeconds(5)));
        System.out.printf("GCACHE early refresh: reactive: %s%n", run);
        assertThat(run.absentMisses).isLessThanOrEqualTo(2);
        assertThat(run.earlyRefreshes).as("no caller is counted as refreshing: none waits").isZero();
        assertThat(run.methodRuns).isBetween(6, 150);
    }

    record Run(long calls, int methodRuns, long absentMisses, long earlyRefreshes, double p99Millis,
            double maxMillis) {
        @Override
        public String toString() {
            return String.format("%d calls, method ran %d times, LOCAL misses absent %d / early_refresh %d, "
                    + "latency p99 %.3f ms, max %.1f ms", calls, methodRuns, absentMisses, earlyRefreshes, p99Millis,
                    maxMillis);
        }
    }

    Run load(String useCase, AtomicInteger runs, Function<String, String> call) throws Exception {
        var stats = runtime.useCase(useCase).stats();
        long absent0 = stats.misses(StatLayer.LOCAL, MissReason.ABSENT);
        long early0 = stats.misses(StatLayer.LOCAL, MissReason.EARLY_REFRESH);
        int runs0 = runs.get();
        // latency histogram in powers of two of microseconds: enough for a p99 without keeping every sample
        AtomicLongArray buckets = new AtomicLongArray(40);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        long end = System.nanoTime() + RUN.toNanos();
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                start.await();
                long calls = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try (GCache.Scope scope = gcache.enable()) {
                        assertThat(call.apply("hot")).startsWith("value");
                    }
                    long micros = (System.nanoTime() - t0) / 1000;
                    buckets.incrementAndGet(64 - Long.numberOfLeadingZeros(micros));
                    calls++;
                }
                return calls;
            }));
        }
        start.countDown();
        long calls = 0;
        for (Future<Long> f : done) {
            calls += f.get(RUN.toSeconds() + 30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long seen = 0;
        double p99 = 0;
        double max = 0;
        for (int b = 0; b < buckets.length(); b++) {
            long n = buckets.get(b);
            if (n > 0) {
                max = (1L << b) / 1000.0;
                if (seen < calls * 0.99 && seen + n >= calls * 0.99) {
                    p99 = (1L << b) / 1000.0; // upper bound of the bucket
                }
                seen += n;
            }
        }
        return new Run(calls, runs.get() - runs0, stats.misses(StatLayer.LOCAL, MissReason.ABSENT) - absent0,
                stats.misses(StatLayer.LOCAL, MissReason.EARLY_REFRESH) - early0, p99, max);
    }

    @Singleton
    public static class Hot {
        final AtomicInteger plainRuns = new AtomicInteger();
        final AtomicInteger earlyRuns = new AtomicInteger();
        final AtomicInteger uniRuns = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "HotUni", localTtl = "1s", localRamp = 100)
        public Uni<String> uni(String id) {
            return Uni.createFrom().item(() -> work(uniRuns)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }

        @GCached(keyType = "k", id = "id", useCase = "HotPlain", localTtl = "1s", localRamp = 100)
        public String plain(String id) {
            return work(plainRuns);
        }

        @GCached(keyType = "k", id = "id", useCase = "HotEarly", localTtl = "1s", localRamp = 100)
        public String early(String id) {
            return work(earlyRuns);
        }

        /** The slow computation being cached: 50 ms of "database" work. */
        private static String work(AtomicInteger runs) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "value " + runs.incrementAndGet();
        }
    }
}
