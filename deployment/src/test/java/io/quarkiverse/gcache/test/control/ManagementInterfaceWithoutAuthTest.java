package io.quarkiverse.gcache.test.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * reference: runtime control: on the management interface with authentication configured only for the main server
 * (what the operating guide used to suggest), Quarkus authenticates nobody there: the endpoint stays closed (401 even
 * for the admin, never 200) and says why, at startup and in the 401.
 */
class ManagementInterfaceWithoutAuthTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(ManagementEndpointTest.Bean.class)
            .overrideConfigKey("quarkus.gcache.management.enabled", "true")
            .overrideConfigKey("quarkus.management.enabled", "true")
            .overrideConfigKey("quarkus.management.test-port", "0")
            .overrideConfigKey("quarkus.http.auth.basic", "true")
            .overrideConfigKey("quarkus.security.users.embedded.enabled", "true")
            .overrideConfigKey("quarkus.security.users.embedded.plain-text", "true")
            .overrideConfigKey("quarkus.security.users.embedded.users.admin", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.admin", "gcache-admin")
            .setLogRecordPredicate(r -> "io.quarkiverse.gcache".equals(r.getLoggerName()))
            .assertLogRecords(records -> assertThat(records)
                    .anyMatch(r -> r.getMessage().contains("quarkus.management.auth.basic=true")));

    @TestHTTPResource(value = "gcache", management = true)
    URL endpoint;

    @Inject
    GCache gcache;

    @Test
    void closedToEveryoneAndSaysWhy() {
        given().get(endpoint).then().statusCode(401);
        given().auth().preemptive().basic("admin", "secret").get(endpoint).then().statusCode(401)
                .body(containsString("quarkus.management.auth.basic=true"));
        given().auth().preemptive().basic("admin", "secret").contentType("application/json").body("{\"ramp\":0}")
                .put(endpoint + "/Managed/LOCAL").then().statusCode(401);
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }
}
