package io.quarkiverse.gcache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedis;

/**
 * Issue 26, the demo as a newcomer meets it: the packaged demo ({@code java -jar}, its default settings, a private
 * Redis) runs the README's flow and logs no WARN or ERROR line. The README's flow ends on the Dev UI page, which exists
 * in dev mode only; the packaged demo's equivalents, read here instead, are {@code /q/metrics} (the counters the page
 * shows) and {@code /q/health}; {@code /q/gcache} is requested too, but the demo leaves that management endpoint off.
 * <p>
 * Before, Quarkus exported every batch of spans to {@code http://localhost:4317} where nothing listens, and warned per
 * batch ({@code VertxGrpcSender}: "Failed to export TraceRequestMarshaler"); Micrometer warned about the Redis client's
 * gauges registered twice; GCache warned that it started without runtime overrides when the first Redis connection of
 * a cold JVM took longer than {@code remote.timeout}. Now spans are exported only when an OTLP endpoint is set
 * ({@code SpanLog}); the second test sets one at run time and sees the demo connect to it.
 */
class QuietDemoIT {

    /** A line logged at WARN or above, in Quarkus's console format ({@code 2026-12-07 11:20:01,760 WARN  [...}). */
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+ \\S+ (WARN|WARNING|ERROR|SEVERE|FATAL)\\b.*");
    /** What {@code SpanLog} logs at DEBUG for each batch the span processor hands it. */
    private static final String BATCH = "spans (no OTLP endpoint is set, so they are not exported)";
    private static final String SPAN_LOG_DEBUG = "quarkus.log.category.\"io.quarkiverse.gcache.it.SpanLog\".level=DEBUG";

    @Test
    void theReadmeFlowLogsNoWarningAndExportsNothing() throws Exception {
        PrivateRedis redis = PrivateRedis.startNode(PrivateRedis.freePort(), List.of());
        // The batch delay is shortened so that a few batches pass in a second or two; SpanLog's DEBUG lines are the
        // observable that they did (each batch of the span processor is one line).
        try (DemoProcess demo = DemoProcess.launch("quiet", "quarkus.redis.hosts=" + redis.uri(),
                "quarkus.otel.bsp.schedule.delay=200ms", SPAN_LOG_DEBUG)) {
            assertThat(demo.get("/users/3")).contains("\"id\":\"3\"");
            assertThat(demo.get("/users/3")).contains("\"id\":\"3\"");
            demo.rename("3", "Ann");
            assertThat(demo.get("/users/3")).contains("\"name\":\"Ann\"");
            // what the Dev UI page shows: the use cases' counters (/q/metrics) and GCache's health; the management
            // endpoint /q/gcache is off in the demo (it needs authentication set up) and answers 404
            assertThat(demo.metric("gcache_requests_total", "use_case=\"GetUser\"", "layer=\"LOCAL\"")).isPositive();
            assertThat(demo.get("/q/health")).contains("\"gcache\"");
            assertThat(demo.status("/q/gcache")).isEqualTo(404);

            // the rename's server span went through the span processor, and three more batches after it: each of them
            // would have been an export to localhost:4317, and a warning, with the old default
            await().atMost(Duration.ofSeconds(30)).until(() -> log(demo).contains("SERVER PUT /users/{id}"));
            long seen = batches(demo);
            await().atMost(Duration.ofSeconds(30)).until(() -> batches(demo) >= seen + 3);

            List<String> lines = Files.readAllLines(demo.log.toPath(), StandardCharsets.ISO_8859_1);
            System.out.println("GCACHE quiet demo: " + lines.size() + " log lines, " + batches(demo)
                    + " span batches, none exported");
            assertThat(lines).as("the packaged demo's log (%s)", demo.log)
                    .noneMatch(l -> WARN_OR_ERROR.matcher(l).matches())
                    .noneMatch(l -> l.contains("Exception"));
        } finally {
            redis.stop();
        }
    }

    @Test
    void anEndpointSetAtRunTimeTurnsExportOn() throws Exception {
        PrivateRedis redis = PrivateRedis.startNode(PrivateRedis.freePort(), List.of());
        // a stand-in collector: the exporter opening a connection to it is what "exporting" looks like from outside
        try (ServerSocket collector = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DemoProcess demo = DemoProcess.launch("exporting",
                        Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getLocalPort()),
                        "quarkus.redis.hosts=" + redis.uri(), "quarkus.otel.bsp.schedule.delay=200ms",
                        SPAN_LOG_DEBUG)) {
            assertThat(demo.get("/users/4")).contains("\"id\":\"4\"");
            collector.setSoTimeout(30_000); // the first batch is due within 200 ms of the request's span
            try (Socket exporter = collector.accept()) {
                assertThat(exporter.isConnected()).isTrue();
            }
            assertThat(log(demo)).as("SpanLog steps aside when an endpoint is set").doesNotContain(BATCH);
        } finally {
            redis.stop();
        }
    }

    private static String log(DemoProcess demo) {
        try {
            return Files.readString(demo.log.toPath(), StandardCharsets.ISO_8859_1); // never malformed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long batches(DemoProcess demo) {
        return log(demo).lines().filter(l -> l.contains(BATCH)).count();
    }
}
