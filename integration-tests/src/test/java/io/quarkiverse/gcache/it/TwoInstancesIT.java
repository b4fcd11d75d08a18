package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedis;

/**
 * Two processes of the packaged demo against one private Redis and one shared "database" (R6, R8): after instance
 * A renames a user, instance B serves the new name within one second, from an enabled endpoint. Prints the
 * propagation delay (p50/p99 over 200 invalidations).
 */
class TwoInstancesIT {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final List<Process> PROCESSES = new ArrayList<>();
    static String a;
    static String b;
    /** A third instance whose "database" answers after 400 ms, to widen the read/write race. */
    static String slow;
    static Path database;

    @BeforeAll
    static void start() throws Exception {
        database = Files.createTempDirectory("gcache-demo-db");
        a = launch("1ms");
        b = launch("1ms");
        slow = launch("400ms");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : PROCESSES) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void anInvalidationOnOneInstanceReachesTheOther() throws Exception {
        given().baseUri(a).get("/users/7").then().statusCode(200);
        given().baseUri(b).get("/users/7").then().statusCode(200);
        given().baseUri(b).get("/users/7").then().statusCode(200); // B now serves user 7 from LOCAL

        // A plain HTTP client: the measured delay should be GCache's, not a JSON library's
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readB = HttpRequest.newBuilder(URI.create(b + "/users/7")).build();
        List<Long> delays = new ArrayList<>();
        List<Long> firstReads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "Seven " + i;
            given().baseUri(a).contentType("application/json").body("{\"name\":\"" + name + "\"}").put("/users/7")
                    .then().statusCode(200);
            long written = System.nanoTime();
            String expected = "\"name\":\"" + name + "\"";
            int[] reads = { 0 };
            await().atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        reads[0]++;
                        return http.send(readB, HttpResponse.BodyHandlers.ofString()).body().contains(expected);
                    });
            delays.add(System.nanoTime() - written);
            firstReads.add((long) reads[0]);
            // and B keeps serving the new name from its cache, not from a stale layer
            assertThat(http.send(readB, HttpResponse.BodyHandlers.ofString()).body()).contains(expected);
        }
        Collections.sort(delays);
        long firstTry = firstReads.stream().filter(r -> r == 1).count();
        System.out.printf("GCACHE two instances: time from A's write response to B serving the new value, over %d "
                + "invalidations: p50=%.2f ms p99=%.2f ms max=%.2f ms; B's first read was already fresh %d times%n",
                delays.size(), delays.get(delays.size() / 2) / 1e6, delays.get((int) (delays.size() * 0.99)) / 1e6,
                delays.get(delays.size() - 1) / 1e6, firstTry);
    }

    /**
     * R6a across processes: the slow instance reads user 8, then (while its read is still in flight) A renames the
     * user; the slow read returns the old name to its caller, and afterwards every instance serves the new one.
     */
    @Test
    void aReadRacingAWriteLeavesNoStaleValueOnAnyInstance() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        given().baseUri(a).contentType("application/json").body("{\"name\":\"Eight old\"}").put("/users/8").then()
                .statusCode(200);
        long queries = Long.parseLong(given().baseUri(slow).get("/db/queries").asString());
        var racingRead = http.sendAsync(HttpRequest.newBuilder(URI.create(slow + "/users/8")).build(),
                HttpResponse.BodyHandlers.ofString());
        // the slow instance has read the user and is now waiting out its database latency
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Long.parseLong(given().baseUri(slow).get("/db/queries").asString()) > queries);
        given().baseUri(a).contentType("application/json").body("{\"name\":\"Eight new\"}").put("/users/8").then()
                .statusCode(200);
        assertThat(racingRead.get(10, TimeUnit.SECONDS).body()).contains("\"name\":\"Eight old\""); // its caller's

        for (String instance : List.of(slow, a, b, slow)) {
            assertThat(http.send(HttpRequest.newBuilder(URI.create(instance + "/users/8")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).as(instance).contains("\"name\":\"Eight new\"");
        }
    }

    private static String launch(String dbLatency) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dquarkus.http.port=" + port, "-Dquarkus.redis.hosts=" + REDIS.uri(),
                "-Ddemo.db.latency=" + dbLatency, "-Ddemo.db.shared-dir=" + database, "-jar",
                new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(new File("target/two-instances-" + port + ".log"))
                .start();
        PROCESSES.add(p);
        String uri = "http://localhost:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> given().baseUri(uri).get("/db/queries").statusCode() == 200);
        return uri;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
