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
 * With {@code health.readiness-down-when-redis-down}, the check reports DOWN while Redis is unreachable, and so does
 * {@code /q/health/ready}: through GCache's own check alone (the Redis client's is left out, R32).
 */
class ReadinessDownTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class)
            .overrideConfigKey("quarkus.gcache.health.readiness-down-when-redis-down", "true");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Test
    void downWhileRedisIsDownWhenAskedFor() {
        given().get("/q/health/ready").then().statusCode(200);
        REDIS.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503)
                    .body("checks.name", not(hasItem(ReadinessTest.REDIS_CHECK)))
                    .body("checks.find { it.name == 'gcache' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'gcache' }.data.remote", equalTo("server_down")));
        } finally {
            REDIS.start();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }
}
