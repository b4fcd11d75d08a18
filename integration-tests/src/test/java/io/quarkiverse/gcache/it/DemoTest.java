package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.test.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The demo application end to end, with a private Redis: cached endpoints stop hitting the slow database. */
@QuarkusTest
@QuarkusTestResource(PrivateRedisResource.class)
class DemoTest {

    @BeforeEach
    void reset() {
        given().delete("/db/queries").then().statusCode(204);
    }

    @Test
    void cachedEndpointQueriesTheDatabaseOnce() {
        for (int i = 0; i < 5; i++) {
            given().get("/users/3").then().statusCode(200).body("name", is("User 3"));
        }
        given().get("/db/queries").then().body(is("1"));
    }

    @Test
    void uncachedEndpointQueriesEveryTime() {
        for (int i = 0; i < 5; i++) {
            given().get("/users/4/uncached").then().statusCode(200).body("name", is("User 4"));
        }
        given().get("/db/queries").then().body(is("5"));
    }

    @Test
    void feedNPlusOneIsServedFromCacheTheSecondTime() {
        given().get("/users/5/feed").then().statusCode(200).body("$", hasSize(5));
        String first = given().get("/db/queries").asString();
        given().get("/users/5/feed").then().statusCode(200).body("$", hasSize(5));
        given().get("/db/queries").then().body(is(first));
    }

    @Test
    void aWriteInvalidatesTheCachedUser() {
        given().get("/users/8").then().body("name", is("User 8"));
        given().contentType("application/json").body("{\"name\":\"Eight\"}").put("/users/8").then().statusCode(200);
        given().get("/users/8").then().body("name", is("Eight"));
        given().get("/users/8").then().body("name", is("Eight"));
    }

    @Test
    void metricsArePublishedForPrometheus() {
        given().get("/users/9").then().statusCode(200);
        given().get("/users/9").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers
                        .containsString("gcache_requests_total{key_type=\"user_id\",layer=\"LOCAL\",use_case=\"GetUser\"}"));
    }

    /** The Grafana dashboard in docs/ queries only series the demo exports, so it cannot rot unnoticed. */
    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        given().get("/users/20").then().statusCode(200); // a user no other test of this class reads
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/grafana/gcache-dashboard.json"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bgcache_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            names.add(m.group());
        }
        org.assertj.core.api.Assertions.assertThat(names).hasSizeGreaterThan(8);
        for (String name : names) {
            org.assertj.core.api.Assertions.assertThat(scrape).as(name)
                    .containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void readinessShowsGCache() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'gcache' }.status", is("UP"))
                .body("checks.find { it.name == 'gcache' }.data.remote", is("up"));
    }

    @Test
    void reactiveEndpointIsCached() {
        given().get("/users/6/reactive").then().statusCode(200).body("$", hasSize(5));
        given().get("/users/6/reactive").then().statusCode(200).body("$", hasSize(5));
        given().get("/db/queries").then().body(is("1"));
    }
}
