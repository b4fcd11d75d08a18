package io.quarkiverse.gcache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedis;

/**
 * R32, as the outside test saw it: the packaged demo with its default settings, its Redis killed. Before, the Quarkus
 * Redis client's own readiness check answered DOWN and {@code /q/health/ready} 503, taking every instance out of
 * rotation; now it stays 200 and the {@code gcache} check reports the outage in its data.
 */
class ReadinessIT {

    @Test
    void theDemoStaysReadyWhileItsRedisIsDown() throws Exception {
        int port = PrivateRedis.freePort();
        PrivateRedis redis = PrivateRedis.startNode(port, List.of());
        try (DemoProcess demo = DemoProcess.launch("readiness", "quarkus.redis.hosts=" + redis.uri())) {
            assertThat(demo.status("/q/health/ready")).isEqualTo(200);
            redis.kill();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> demo.get("/q/health/ready").replace(" ", "").contains("\"remote\":\"server_down\""));
            int status = demo.status("/q/health/ready");
            String body = demo.get("/q/health/ready");
            System.out.println("GCACHE readiness with Redis killed: HTTP " + status + " " + body.replaceAll("\\s+", " "));
            assertThat(status).isEqualTo(200);
            assertThat(body).doesNotContain("Redis connection health check");
            assertThat(demo.get("/users/7")).contains("\"id\"");
        } finally {
            redis.stop();
        }
    }
}
