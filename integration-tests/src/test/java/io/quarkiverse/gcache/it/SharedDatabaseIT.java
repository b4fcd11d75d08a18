package io.quarkiverse.gcache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedis;

/**
 * R24 across instances: two processes of the packaged demo share one private Redis and one database (an H2 file
 * database under {@code demo.db.shared-dir}, {@code AUTO_SERVER=TRUE}). Readers loop on {@code GET /products/5} on
 * both while instance A renames it with its commit held 300 ms. On A, every read that starts after the {@code PUT}
 * returned answers the new name; on B, the new name arrives through the pub/sub broadcast (R8), and once B has answered
 * it, B never answers an older name again. An invalidation made before the commit would let a reader in the window
 * cache the old committed row after the watermark, and B would serve it for the whole LOCAL TTL (60 s).
 */
class SharedDatabaseIT {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final int ROUNDS = 5;
    static final int READERS = 3;
    static DemoProcess a;
    static DemoProcess b;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("gcache-shared-db");
        String[] options = { "quarkus.redis.hosts=" + REDIS.uri(), "demo.db.shared-dir=" + dir,
                "demo.db.commit-latency=300ms" };
        a = DemoProcess.launch("shared-db-a", options);
        b = DemoProcess.launch("shared-db-b", options);
    }

    @AfterAll
    static void stop() throws Exception {
        for (DemoProcess p : new DemoProcess[] { a, b }) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** What one instance's readers saw in one round. */
    static final class Readers {
        final DemoProcess demo;
        final HttpClient http = HttpClient.newHttpClient();
        final AtomicLong putReturned = new AtomicLong(Long.MAX_VALUE);
        volatile String expected = "\"name\":\"Product 5\"";
        /** Reads that started after the PUT returned and answered the new name; then older names are stale. */
        final AtomicInteger fresh = new AtomicInteger();
        final AtomicInteger readsAfter = new AtomicInteger();
        final AtomicInteger staleBeforeFresh = new AtomicInteger();
        final AtomicInteger staleAfterFresh = new AtomicInteger();

        Readers(DemoProcess demo) {
            this.demo = demo;
        }

        String read() throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(demo.uri + "/products/5")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.body();
        }

        void loop(AtomicBoolean stop) {
            try {
                while (!stop.get()) {
                    long returned = putReturned.get(); // published after expected: a read that sees it knows the name
                    String want = expected;
                    boolean seenFresh = fresh.get() > 0;
                    long start = System.nanoTime();
                    String body = read();
                    if (start <= returned) {
                        continue;
                    }
                    readsAfter.incrementAndGet();
                    if (body.contains(want)) {
                        fresh.incrementAndGet();
                    } else if (seenFresh) {
                        staleAfterFresh.incrementAndGet();
                    } else {
                        staleBeforeFresh.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void afterTheCommitBothInstancesAnswerTheNewName() throws Exception {
        Readers onA = new Readers(a);
        Readers onB = new Readers(b);
        assertThat(onA.read()).contains(onA.expected);
        assertThat(onB.read()).contains(onB.expected);
        ExecutorService pool = Executors.newFixedThreadPool(2 * READERS);
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            loops.add(CompletableFuture.runAsync(() -> onA.loop(stop), pool));
            loops.add(CompletableFuture.runAsync(() -> onB.loop(stop), pool));
        }
        HttpClient http = HttpClient.newHttpClient();
        int staleOnA = 0;
        int staleOnBBeforeNew = 0;
        int staleOnBAfterNew = 0;
        int readsOnB = 0;
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                String name = "Shared v" + round;
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(a.uri + "/products/5"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long returned = System.nanoTime();
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                for (Readers r : new Readers[] { onA, onB }) {
                    r.fresh.set(0);
                    r.readsAfter.set(0);
                    r.staleBeforeFresh.set(0);
                    r.staleAfterFresh.set(0);
                    r.expected = "\"name\":\"" + name + "\"";
                    r.putReturned.set(returned);
                }
                // B learns of the commit through the broadcast: its readers must come to the new name and stay there
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> onA.readsAfter.get() >= 100 && onB.fresh.get() >= 100);
                for (Readers r : new Readers[] { onA, onB }) {
                    r.putReturned.set(Long.MAX_VALUE);
                }
                staleOnA += onA.staleBeforeFresh.get() + onA.staleAfterFresh.get();
                staleOnBBeforeNew += onB.staleBeforeFresh.get();
                staleOnBAfterNew += onB.staleAfterFresh.get();
                readsOnB += onB.readsAfter.get();
            }
        } finally {
            stop.set(true);
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
            pool.shutdown();
        }
        System.out.printf("GCACHE R24 shared database: %d renames on A (commit held 300 ms); A: %d stale reads after the "
                + "PUT returned; B: %d reads after it, %d old before the broadcast arrived, %d old after B had "
                + "answered the new name%n", ROUNDS, staleOnA, readsOnB, staleOnBBeforeNew, staleOnBAfterNew);
        assertThat(staleOnA).as("reads on A after the PUT returned that answered an old name").isZero();
        assertThat(staleOnBAfterNew).as("reads on B that answered an old name after it had answered the new one")
                .isZero();
    }
}
