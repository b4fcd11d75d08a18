package io.quarkiverse.gcache.test.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.specification.RequestSpecification;

/**
 * reference: runtime control: /q/gcache on the Quarkus management interface, configured as the operating guide says
 * (management interface on, authentication enabled there): same 401/403/200 as on the main port, and not served on the
 * main port at all.
 */
class ManagementInterfaceTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(ManagementEndpointTest.Bean.class)
            .overrideConfigKey("quarkus.gcache.management.enabled", "true")
            .overrideConfigKey("quarkus.management.enabled", "true")
            .overrideConfigKey("quarkus.management.test-port", "0")
            .overrideConfigKey("quarkus.management.auth.basic", "true")
            .overrideConfigKey("quarkus.security.users.embedded.enabled", "true")
            .overrideConfigKey("quarkus.security.users.embedded.plain-text", "true")
            .overrideConfigKey("quarkus.security.users.embedded.users.admin", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.admin", "gcache-admin")
            .overrideConfigKey("quarkus.security.users.embedded.users.bob", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.bob", "user");

    /** http://localhost:<management test port>/q/gcache */
    @TestHTTPResource(value = "gcache", management = true)
    URL endpoint;

    @Inject
    GCache gcache;
    @Inject
    ManagementEndpointTest.Bean bean;

    @Test
    void withoutCredentialsIs401() {
        given().get(endpoint).then().statusCode(401);
        given().contentType("application/json").body("{\"ramp\":0}").put(endpoint + "/Managed/LOCAL").then()
                .statusCode(401);
        given().auth().preemptive().basic("admin", "wrong").get(endpoint).then().statusCode(401);
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    @Test
    void withoutTheRoleIs403() {
        given().auth().preemptive().basic("bob", "secret").get(endpoint).then().statusCode(403);
        given().auth().preemptive().basic("bob", "secret").contentType("application/json").body("{\"ramp\":0}")
                .put(endpoint + "/Managed/LOCAL").then().statusCode(403);
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    @Test
    void theAdminListsUseCases() {
        admin().get(endpoint).then().statusCode(200)
                .body("[0].useCase", is("Managed"))
                .body("[0].local.ttl", is("PT1M"))
                .body("[0].local.rampSource", is("ANNOTATION"));
    }

    @Test
    void aPutByTheAdminTakesEffectAndDeleteClearsIt() {
        AtomicInteger calls = bean.calls;
        call();
        call();
        int before = calls.get();
        admin().contentType("application/json").body("{\"ramp\":0}").put(endpoint + "/Managed/LOCAL").then()
                .statusCode(200).body("local.ramp", is(0)).body("local.rampSource", is("OVERRIDE"));
        call();
        call();
        assertThat(calls.get() - before).isEqualTo(2); // kill switch: every call runs the method
        admin().delete(endpoint + "/Managed/LOCAL").then().statusCode(200).body("local.rampSource", is("ANNOTATION"));
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    /** The guide says "serve it on the management interface": then the main port does not serve it, even to the admin. */
    @Test
    void notOnTheMainPort() {
        given().get("/q/gcache").then().statusCode(404);
        admin().get("/q/gcache").then().statusCode(404);
        admin().contentType("application/json").body("{\"ramp\":0}").put("/q/gcache/Managed/LOCAL").then()
                .statusCode(404);
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "secret");
    }

    private void call() {
        try (GCache.Scope scope = gcache.enable()) {
            bean.get("m");
        }
    }
}
