package io.quarkiverse.gcache.test.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;

/**
 * Load for the fault tests (a Redis outage, a Cluster or Sentinel failover): threads call the LOCAL+REMOTE,
 * REMOTE-only and reactive use cases of {@link Catalog} on ids 0–299 until {@link #stop()} (or 60 s, a bound never
 * reached when the test works), counting calls, failures (an exception reached the caller) and wrong values, and
 * keeping each call's latency, apart for the calls made while {@link #outage} was set.
 */
public final class Load {

    public final AtomicLong calls = new AtomicLong();
    public final AtomicLong failures = new AtomicLong();
    public final AtomicLong wrong = new AtomicLong();
    /** Set by the test while the fault lasts: calls that begin and end in it count as outage latencies. */
    public volatile boolean outage;
    public final ConcurrentLinkedQueue<Long> outageLatencies = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<Long> healthyLatencies = new ConcurrentLinkedQueue<>();
    private final ExecutorService pool;
    private volatile boolean running = true;

    public Load(GCache gcache, Catalog catalog, int threads) {
        pool = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> run(gcache, catalog, deadline));
        }
    }

    /** Stops the threads; true when they all ended. */
    public boolean stop() throws InterruptedException {
        running = false;
        pool.shutdown();
        return pool.awaitTermination(30, TimeUnit.SECONDS);
    }

    private void run(GCache gcache, Catalog catalog, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running && System.nanoTime() - deadline < 0) {
            String id = String.valueOf(random.nextInt(300));
            int which = random.nextInt(3);
            boolean duringOutage = outage;
            long t0 = System.nanoTime();
            try (GCache.Scope scope = gcache.enable()) {
                String value = switch (which) {
                    case 0 -> catalog.both(id);
                    case 1 -> catalog.remoteOnly(id);
                    default -> catalog.reactive(id).await().atMost(Duration.ofSeconds(10));
                };
                if (!("name-" + id).equals(value)) {
                    wrong.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
            long nanos = System.nanoTime() - t0;
            calls.incrementAndGet();
            (duringOutage && outage ? outageLatencies : healthyLatencies).add(nanos);
        }
    }

    /** Waits until {@code counter} has grown by {@code delta} for every use case. */
    public static void awaitGrowth(List<UseCase> useCases, ToLongFunction<UseCase> counter, long delta) {
        Map<UseCase, Long> from = new HashMap<>();
        useCases.forEach(uc -> from.put(uc, counter.applyAsLong(uc)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> useCases.stream().allMatch(uc -> counter.applyAsLong(uc) >= from.get(uc) + delta));
    }

    /** Waits until REMOTE has served every use case at least once more. */
    public static void awaitRemoteServed(List<UseCase> useCases) {
        awaitGrowth(useCases, Load::remoteServed, 1);
    }

    /** REMOTE reads that Redis answered: requests that were not lost to an error. */
    public static long remoteServed(UseCase uc) {
        return uc.stats().requests(StatLayer.REMOTE) - uc.stats().misses(StatLayer.REMOTE, MissReason.ERROR);
    }

    /** The 99th percentile of {@code latencies}, 0 when there are none. */
    public static long p99(ConcurrentLinkedQueue<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        return sorted.get((int) (sorted.size() * 0.99));
    }
}
