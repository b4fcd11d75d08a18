package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
public class GcacheResourceTest {

    @Test
    public void testHelloEndpoint() {
        given()
                .when().get("/gcache")
                .then()
                .statusCode(200)
                .body(is("Hello gcache"));
    }
}
