package io.quarkiverse.gcache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The demo's transactional write path (R24) from outside: readers loop on {@code GET /products/5} while
 * {@code PUT /products/5} renames it and its commit is held {@code demo.db.commit-latency}; the readers in that window
 * read the old committed row through the cache. Once the {@code PUT} has returned, every read answers the new name.
 */
@QuarkusTest
@QuarkusTestResource(PrivateRedisResource.class)
@TestProfile(ProductsAfterCommitTest.SlowCommits.class)
class ProductsAfterCommitTest {

    public static class SlowCommits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("demo.db.commit-latency", "300ms", "quarkus.http.test-port", "0");
        }
    }

    static final int READERS = 4;
    static final int ROUNDS = 5;
    /** Reads that must follow each PUT before the next round (counted, not timed). */
    static final int READS_AFTER = 200;

    @TestHTTPResource("/products/5")
    URI product;

    final HttpClient http = HttpClient.newHttpClient();

    String name() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(product).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void onceThePutHasReturnedEveryReadAnswersTheNewName() throws Exception {
        assertThat(name()).contains("\"name\":\"Product 5\"");
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong putReturned = new AtomicLong(Long.MAX_VALUE); // nanoTime; MAX while a PUT runs
        AtomicLong putStarted = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger readsAfter = new AtomicInteger();
        AtomicInteger totalAfter = new AtomicInteger();
        AtomicInteger inWindow = new AtomicInteger();
        AtomicInteger stale = new AtomicInteger();
        String[] expected = { "\"name\":\"Product 5\"" }; // written before putReturned, read after it
        List<String> staleSamples = new ArrayList<>();
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            readers.add(CompletableFuture.runAsync(() -> {
                try {
                    while (!stop.get()) {
                        // the PUT's return is published after its name: a read that sees it expects that name
                        long returned = putReturned.get();
                        String want = expected[0];
                        long start = System.nanoTime();
                        String body = name();
                        if (start > returned) {
                            readsAfter.incrementAndGet();
                            totalAfter.incrementAndGet();
                            if (!body.contains(want)) {
                                stale.incrementAndGet();
                                synchronized (staleSamples) {
                                    if (staleSamples.size() < 5) {
                                        staleSamples.add(body);
                                    }
                                }
                            }
                        } else if (start > putStarted.get()) {
                            inWindow.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        long putMillis = 0;
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                String name = "Five v" + round;
                readsAfter.set(0);
                putStarted.set(System.nanoTime());
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(product)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long returned = System.nanoTime();
                putMillis = Math.max(putMillis, Duration.ofNanos(returned - putStarted.get()).toMillis());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                expected[0] = "\"name\":\"" + name + "\"";
                putReturned.set(returned);
                await().atMost(Duration.ofSeconds(30)).until(() -> readsAfter.get() >= READS_AFTER);
                putReturned.set(Long.MAX_VALUE);
                putStarted.set(Long.MAX_VALUE);
            }
        } finally {
            stop.set(true);
            CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
            pool.shutdown();
        }
        System.out.printf("GCACHE R24 demo: %d renames (commit held 300 ms, longest PUT %d ms); %d reads started while a "
                + "PUT ran; %d reads after the PUTs returned, %d stale %s%n", ROUNDS, putMillis, inWindow.get(),
                totalAfter.get(), stale.get(), staleSamples);
        assertThat(inWindow.get()).as("readers read while the commits were held").isPositive();
        assertThat(stale.get()).as("reads after the PUT returned that answered the old name").isZero();
    }
}
