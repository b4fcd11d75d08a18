package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * An invalidation flood (reference rule R8): another instance invalidates 100,000 distinct entities at 2,000/s,
 * all within the LOCAL TTL. Each reaches this instance's LOCAL within milliseconds and requests do not slow down.
 * Before the bounded invalidation log, every message past 10,000 scanned the whole log and the subscriber's event
 * loop saturated within ~30 s.
 */
class InvalidationFloodTest {

    static final int ENTITIES = 100_000;
    static final int PER_SECOND = 2_000;

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @Test
    void everyInvalidationAppliesWithinMillisecondsAndRequestsKeepTheirPace() throws Exception {
        UseCase uc = runtime.useCase("LongLocal");
        // samples: every 1000th invalidated entity is in LOCAL; we time how long its entry survives the message
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < ENTITIES; i += 1000) {
            samples.add("s" + i);
        }
        try (GCache.Scope scope = gcache.enable()) {
            for (String id : samples) {
                catalog.longLocal(id);
            }
        }
        List<Long> baseline = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            baseline.add(timedHit());
        }

        ConcurrentLinkedQueue<Long> applied = new ConcurrentLinkedQueue<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Long> during = new ConcurrentLinkedQueue<>();
        Semaphore batches = new Semaphore(0);
        Thread requests = new Thread(() -> {
            // one request per batch of invalidations the other instance has just sent
            while (flooding.get()) {
                try {
                    if (batches.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        during.add(timedHit());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        requests.start();
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", REDIS.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread drain = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    while (in.read(buffer) >= 0) {
                        // PUBLISH replies: discarded
                    }
                } catch (java.io.IOException closed) {
                    // socket closed at the end
                }
            });
            drain.start();
            int batch = PER_SECOND / 100; // every 10 ms
            for (int sent = 0; sent < ENTITIES; sent += batch) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(10L * sent / batch);
                LockSupport.parkNanos(due - System.nanoTime()); // pacing of the flood, not synchronisation
                StringBuilder commands = new StringBuilder();
                String sample = null;
                for (int i = sent; i < sent + batch; i++) {
                    String id = (i % 1000 == 0 ? "s" : "e") + i;
                    if (i % 1000 == 0) {
                        sample = id;
                    }
                    publish(commands, "other-instance|0|item|{urn:item:" + id + "}");
                }
                out.write(commands.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                batches.release();
                if (sample != null) {
                    String key = uc.keys().localKey(new Object[] { sample });
                    long published = System.nanoTime();
                    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofNanos(200_000))
                            .until(() -> uc.localLayer().get(key) == null);
                    applied.add(System.nanoTime() - published);
                }
            }
            socket.shutdownOutput();
        } finally {
            flooding.set(false);
            requests.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> appliedSorted = sorted(applied);
        List<Long> duringSorted = sorted(during);
        System.out.printf("GCACHE flood: %d invalidations in %.1f s (%.0f/s); sampled entities left LOCAL after p50=%.2f "
                + "ms p99=%.2f ms max=%.2f ms; LOCAL hit latency p99 %.1f us before, %.1f us during (%d hits); log "
                + "holds %d entities%n", ENTITIES, seconds, ENTITIES / seconds, pct(appliedSorted, 0.5) / 1e6,
                pct(appliedSorted, 0.99) / 1e6, appliedSorted.get(appliedSorted.size() - 1) / 1e6,
                pct(sorted(baseline), 0.99) / 1e3, pct(duringSorted, 0.99) / 1e3, duringSorted.size(),
                runtime.invalidator().stats().count("item", io.quarkiverse.gcache.CacheLayer.LOCAL));
        assertThat(applied).hasSize(samples.size());
        // Liveness, not performance (measured above and printed): invalidations must not queue up behind the flood
        // (seconds, growing with it) and hits must not wait for it. The bounds are ten times what a quiet machine
        // measures, so a busy CI machine does not fail them (p99 to apply measured 131 ms there once, against 100).
        assertThat(pct(appliedSorted, 0.99)).as("p99 time to apply").isLessThan(Duration.ofSeconds(1).toNanos());
        assertThat(pct(duringSorted, 0.99)).as("request p99 during the flood")
                .isLessThan(Duration.ofMillis(100).toNanos());
    }

    /** The latency of one LOCAL hit. */
    private long timedHit() {
        try (GCache.Scope scope = gcache.enable()) {
            long t0 = System.nanoTime();
            catalog.longLocal("hot");
            return System.nanoTime() - t0;
        }
    }

    private static void publish(StringBuilder sb, String message) {
        String channel = "gcache:invalidations:urn";
        sb.append("*3\r\n$7\r\nPUBLISH\r\n$").append(channel.length()).append("\r\n").append(channel).append("\r\n$")
                .append(message.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(message).append("\r\n");
    }

    private static List<Long> sorted(java.util.Collection<Long> values) {
        List<Long> list = new ArrayList<>(values);
        Collections.sort(list);
        return list;
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }
}
