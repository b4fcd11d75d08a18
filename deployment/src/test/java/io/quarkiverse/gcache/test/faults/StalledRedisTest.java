package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * R28: a Redis that stops answering with its connections open (SIGSTOP) never hangs the service, even when the
 * callers waiting for it hold every thread of a small worker pool. Before, REMOTE timeouts were swept by a task queued
 * on that same pool: with it full, no timeout fired, no call returned and the breaker never opened (0 of 24 calls
 * answered within 20 s in the outside test).
 */
class StalledRedisTest {

    static final long TIMEOUT_MS = 250;
    static final int WORKERS = 8;
    static final int SYNC_CALLERS = 24;
    static final int REACTIVE_CALLERS = 8;
    /** A call that waits for the stopped Redis would never end; this only keeps a failing test from hanging. */
    static final Duration HANG = Duration.ofSeconds(20);

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class, Catalog.Profile.class, Endpoints.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", TIMEOUT_MS + "ms")
            .overrideConfigKey("quarkus.thread-pool.max-threads", String.valueOf(WORKERS))
            .overrideConfigKey("quarkus.thread-pool.core-threads", "1");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    Catalog catalog;
    @Inject
    GCacheRuntime runtime;

    @TestHTTPResource("/")
    URI base;

    @Path("/stall")
    public static class Endpoints {
        @Inject
        Catalog catalog;

        @GET
        @Path("/sync/{id}")
        @Blocking
        @GCacheEnabled
        public String sync(@PathParam("id") String id) {
            return catalog.remoteOnly(id);
        }

        @GET
        @Path("/uni/{id}")
        @GCacheEnabled
        public Uni<String> uni(@PathParam("id") String id) {
            return catalog.reactive(id);
        }
    }

    @Test
    void aStoppedRedisNeverHangsCallersThatHoldTheWholeWorkerPool() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (GCache.Scope scope = gcache.enable()) {
                catalog.remoteOnly("warm-up");
            }
            return !runtime.remote().breaker().isOpen();
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService callers = Executors.newFixedThreadPool(SYNC_CALLERS + REACTIVE_CALLERS);
        // both endpoints served once, so that the times below are the stall's, not a first request's
        List<CompletableFuture<Call>> warmUp = new ArrayList<>();
        for (int i = 0; i < SYNC_CALLERS + REACTIVE_CALLERS; i++) {
            URI uri = base.resolve((i % 2 == 0 ? "stall/uni/" : "stall/sync/") + "w" + i);
            String id = "w" + i;
            warmUp.add(CompletableFuture.supplyAsync(() -> call(http, uri, id, false), callers));
        }
        warmUp.forEach(CompletableFuture::join);
        List<CompletableFuture<Call>> calls = new ArrayList<>();
        REDIS.pause();
        try {
            for (int i = 0; i < SYNC_CALLERS + REACTIVE_CALLERS; i++) {
                boolean reactive = i >= SYNC_CALLERS;
                String id = String.valueOf(101 + i); // cold: never read before
                URI uri = base.resolve((reactive ? "stall/uni/" : "stall/sync/") + id);
                calls.add(CompletableFuture.supplyAsync(() -> call(http, uri, id, reactive), callers));
            }
            List<Call> done = new ArrayList<>();
            for (CompletableFuture<Call> call : calls) {
                done.add(call.get(HANG.toMillis(), TimeUnit.MILLISECONDS)); // a hang fails here
            }
            boolean breakerOpened = runtime.remote().breaker().isOpen();
            long longest = done.stream().mapToLong(Call::millis).max().orElse(0);
            long longestReactive = done.stream().filter(Call::reactive).mapToLong(Call::millis).max().orElse(0);
            long median = done.stream().mapToLong(Call::millis).sorted().skip(done.size() / 2).findFirst().orElse(0);
            System.out.printf("GCACHE stalled Redis (SIGSTOP), %d workers, %d sync + %d reactive cold calls: %d of %d "
                    + "answered, median %d ms, longest %d ms (reactive %d ms; remote.timeout %d ms, method %d ms), breaker "
                    + "open: %s%n",
                    WORKERS, SYNC_CALLERS, REACTIVE_CALLERS, done.stream().filter(Call::ok).count(), done.size(),
                    median, longest, longestReactive, TIMEOUT_MS, Catalog.METHOD_MILLIS, breakerOpened);
            assertThat(done).allSatisfy(call -> assertThat(call.ok()).as("answered with the method's value").isTrue());
            assertThat(breakerOpened).as("a stopped Redis is treated as down: the breaker opens").isTrue();
        } finally {
            REDIS.resume();
            callers.shutdownNow();
        }
        // and the service stays usable while Redis is back: the breaker's probe closes it again
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (GCache.Scope scope = gcache.enable()) {
                catalog.remoteOnly("after");
            }
            return !runtime.remote().breaker().isOpen();
        });
    }

    record Call(boolean ok, long millis, boolean reactive) {
    }

    private static Call call(HttpClient http, URI uri, String id, boolean reactive) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(HANG).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ok = response.statusCode() == 200 && response.body().equals("name-" + id);
            return new Call(ok, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), reactive);
        } catch (Exception e) {
            return new Call(false, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), reactive);
        }
    }
}
