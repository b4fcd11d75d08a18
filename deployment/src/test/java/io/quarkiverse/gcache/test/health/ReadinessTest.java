package io.quarkiverse.gcache.test.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The readiness check {@code gcache}: UP with Redis, and still UP with Redis stopped (the application serves from
 * the methods), with the state an operator needs in its data.
 */
class ReadinessTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class)
            // the Redis client's own readiness check is DOWN whenever Redis is; only GCache's is under test here
            .overrideConfigKey("quarkus.redis.health.enabled", "false");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Test
    void staysUpWhenRedisIsDownAndSaysWhy() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("gcache"))
                .body("checks.find { it.name == 'gcache' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'gcache' }.data.remote", equalTo("up"))
                .body("checks.find { it.name == 'gcache' }.data.invalidation_subscription", equalTo("subscribed"))
                .body("checks.find { it.name == 'gcache' }.data.pending_invalidations", equalTo(0));
        REDIS.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(200)
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
