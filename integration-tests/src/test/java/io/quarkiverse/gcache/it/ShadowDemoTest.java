package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * R22 in the demo: a row changed behind the cache's back (no invalidation) is found by shadow verification: the
 * mismatch is counted in {@code /q/metrics}, the key is refreshed, and the caller got the cached value meanwhile.
 * With the shadow ramp at 0, hits run nothing extra (the database's query counter proves it).
 */
@QuarkusTest
@QuarkusTestResource(PrivateRedisResource.class)
@TestProfile(ShadowDemoTest.ShadowOnGetUser.class)
class ShadowDemoTest {

    @Inject
    GCache gcache;

    public static class ShadowOnGetUser implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.gcache.use-case.\"GetUser\".shadow.ramp", "100",
                    "quarkus.gcache.use-case.\"GetUser\".request.enabled", "false");
        }
    }

    @BeforeEach
    void reset() {
        given().delete("/db/queries").then().statusCode(204);
    }

    @Test
    void aRowChangedBehindTheCacheIsFoundAndRefreshed() {
        given().get("/users/7").then().statusCode(200).body("name", is("User 7"));
        double before = shadow("GetUser", "mismatch");
        given().contentType("application/json").body("{\"name\":\"Renamed elsewhere\"}").put("/db/users/7").then()
                .statusCode(200);
        // the hit serves the cached value; its shadow run finds the new name
        given().get("/users/7").then().statusCode(200).body("name", is("User 7"));
        await().atMost(Duration.ofSeconds(15)).until(() -> shadow("GetUser", "mismatch") == before + 1);
        given().get("/users/7").then().statusCode(200).body("name", is("Renamed elsewhere"));
    }

    @Test
    void shadowRampZeroRunsNothingExtra() {
        gcache.control().overrideShadowRamp("GetUser", 0);
        try {
            given().get("/users/3").then().statusCode(200); // computed, or found in Redis from an earlier test
            String queries = given().get("/db/queries").asString();
            for (int i = 0; i < 50; i++) {
                given().get("/users/3").then().statusCode(200).body("name", is("User 3"));
            }
            // 50 hits and not one query more: nothing ran off the callers' path either
            given().get("/db/queries").then().body(is(queries));
        } finally {
            gcache.control().overrideShadowRamp("GetUser", null);
        }
    }

    /** {@code gcache_shadow_total} of a use case's LOCAL hits with {@code result}, from the Prometheus scrape. */
    private static double shadow(String useCase, String result) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("gcache_shadow_total\\{[^}]*layer=\"LOCAL\"[^}]*result=\"" + result
                + "\"[^}]*use_case=\"" + useCase + "\"[^}]*} ([0-9.eE+-]+)").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
