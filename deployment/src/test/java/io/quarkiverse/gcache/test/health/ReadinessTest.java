package io.quarkiverse.gcache.test.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The readiness check {@code gcache}: UP with Redis, and still UP with Redis stopped (the application serves from
 * the methods), with the state an operator needs in its data. An application with default settings: the Redis
 * client's own readiness check, DOWN whenever Redis is, is left out (R32), so {@code /q/health/ready} stays 200.
 */
class ReadinessTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();
    /** The name of quarkus-redis-client's readiness check. */
    static final String REDIS_CHECK = "Redis connection health check";

    @Test
    void staysUpWhenRedisIsDownAndSaysWhy() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("gcache"))
                .body("checks.name", not(hasItem(REDIS_CHECK)))
                .body("checks.find { it.name == 'gcache' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'gcache' }.data.remote", equalTo("up"))
                .body("checks.find { it.name == 'gcache' }.data.invalidation_subscription", equalTo("subscribed"))
                .body("checks.find { it.name == 'gcache' }.data.pending_invalidations", equalTo(0));
        REDIS.kill();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.name", not(hasItem(REDIS_CHECK)))
                    .body("checks.find { it.name == 'gcache' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'gcache' }.data.remote", equalTo("server_down"))
                    .body("checks.find { it.name == 'gcache' }.data.invalidation_subscription", equalTo("gap")));
        } finally {
            REDIS.start();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'gcache' }.data.remote", equalTo("up"))
                .body("checks.find { it.name == 'gcache' }.data.invalidation_subscription", equalTo("subscribed")));
    }
}
