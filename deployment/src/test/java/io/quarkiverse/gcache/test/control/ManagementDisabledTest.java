package io.quarkiverse.gcache.test.control;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** reference: runtime control: the management endpoint is off unless enabled. */
class ManagementDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(ManagementEndpointTest.Bean.class);

    @Test
    void offByDefault() {
        given().get("/q/gcache").then().statusCode(404);
        given().contentType("application/json").body("{\"ramp\":0}").put("/q/gcache/Managed/LOCAL").then().statusCode(404);
    }
}
