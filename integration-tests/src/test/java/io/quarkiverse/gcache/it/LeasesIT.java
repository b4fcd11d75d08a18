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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedis;

/**
 * R21 and R35 across processes: three instances of the packaged demo on one private Redis, 8 concurrent callers each
 * on one cold key whose database read takes 300 ms, longer than {@code remote.timeout}. One instance takes the key's
 * lease and computes; the others wait for its value: the database is queried once, not 3 times (one per instance,
 * what LOCAL single flight alone gives) and not 24, and every caller gets the value.
 */
class LeasesIT {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final List<DemoProcess> INSTANCES = new ArrayList<>();
    /** {@code -Dgcache.it.leases=false} measures the same without leases (then nothing is asserted on the count). */
    static final boolean LEASES = Boolean.parseBoolean(System.getProperty("gcache.it.leases", "true"));

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("lease-a", "lease-b", "lease-c")) {
            // the default remote.timeout (250 ms), shorter than the method: a waiter waits as long as the computation
            // is expected to take (R35), not one Redis round trip (before, 5, 2 and 1 queries for three users)
            INSTANCES.add(DemoProcess.launch(name, "quarkus.redis.hosts=" + REDIS.uri(), "demo.db.latency=300ms",
                    "quarkus.gcache.remote.leases=" + LEASES));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (DemoProcess p : INSTANCES) {
            p.close();
        }
    }

    @Test
    void oneComputationForTwentyFourCallersOnThreeInstances() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (DemoProcess p : INSTANCES) {
            p.get("/users/1"); // warm each instance's code paths on another key
            http.send(HttpRequest.newBuilder(URI.create(p.uri + "/db/queries")).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            for (DemoProcess p : INSTANCES) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(p.uri + "/users/13")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long queries = 0;
        for (DemoProcess p : INSTANCES) {
            queries += Long.parseLong(p.get("/db/queries").trim());
        }
        System.out.printf("GCACHE leases " + (LEASES ? "on" : "off")
                + ": 24 concurrent callers on 3 instances, one cold key, 300 ms method, 250 ms remote.timeout: "
                + "%d database quer%s, all answered in %d ms%n", queries, queries == 1 ? "y" : "ies", millis);
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertThat(c.get().statusCode()).isEqualTo(200);
            assertThat(c.get().body()).contains("\"name\":\"User 13\"");
        }
        if (!LEASES) {
            return;
        }
        assertThat(queries).isEqualTo(1);
        // released once the value was written (and it would expire on its own)
        await().atMost(Duration.ofSeconds(5)).until(() -> (Long) REDIS.call("EXISTS", "{urn:user_id:13}#GetUser#lease") == 0);
    }
}
