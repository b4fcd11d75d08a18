package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * R20 in the demo: the feed's N+1 (one author lookup per post) costs one query per distinct author per request with
 * the REQUEST layer, even with LOCAL and REMOTE ramped to 0; nothing is kept from one request to the next.
 */
@QuarkusTest
@QuarkusTestResource(PrivateRedisResource.class)
@TestProfile(RequestLayerDemoTest.OnlyRequestLayer.class)
class RequestLayerDemoTest {

    public static class OnlyRequestLayer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.gcache.use-case.\"GetUser\".local.ramp", "0",
                    "quarkus.gcache.use-case.\"GetUser\".remote.ramp", "0",
                    "quarkus.gcache.use-case.\"GetUserFeed\".local.ramp", "0",
                    "quarkus.gcache.use-case.\"GetUserFeed\".remote.ramp", "0",
                    "quarkus.gcache.use-case.\"GetUser\".request.enabled", "true");
        }
    }

    @BeforeEach
    void reset() {
        given().delete("/db/queries").then().statusCode(204);
    }

    @Test
    void eachAuthorIsLookedUpOncePerRequest() {
        // user 5's feed: posts 5, 15, 25, 35, 45 by authors 6, 16, 6, 16, 6
        given().get("/users/5/feed").then().statusCode(200).body("$", hasSize(5))
                .body("author", is(java.util.List.of("User 6", "User 16", "User 6", "User 16", "User 6")));
        given().get("/db/queries").then().body(is("3")); // the posts, then each of the 2 authors once
        given().get("/users/5/feed").then().statusCode(200).body("$", hasSize(5));
        given().get("/db/queries").then().body(is("6")); // a new request starts with an empty REQUEST layer
    }
}
