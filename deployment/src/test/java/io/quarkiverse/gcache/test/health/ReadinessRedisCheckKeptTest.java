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
 * R32: an application that sets {@code quarkus.redis.health.enabled} itself (it uses Redis for more than caching) keeps
 * the Redis client's readiness check, which goes DOWN with Redis; GCache's own check stays UP.
 */
class ReadinessRedisCheckKeptTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class)
            .overrideConfigKey("quarkus.redis.health.enabled", "true");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Test
    void theApplicationsChoiceIsKept() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem(ReadinessTest.REDIS_CHECK))
                .body("checks.name", hasItem("gcache"));
        REDIS.kill();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503)
                    .body("checks.find { it.name == '" + ReadinessTest.REDIS_CHECK + "' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'gcache' }.status", equalTo("UP")));
        } finally {
            REDIS.start();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }
}
