package io.quarkiverse.gcache.test.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/** reference: runtime control: /q/gcache requires the configured role; a PUT changes the next call; bad bodies are 400. */
class ManagementEndpointTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Bean.class)
            .overrideConfigKey("quarkus.gcache.management.enabled", "true")
            .overrideConfigKey("quarkus.http.auth.basic", "true")
            .overrideConfigKey("quarkus.security.users.embedded.enabled", "true")
            .overrideConfigKey("quarkus.security.users.embedded.plain-text", "true")
            .overrideConfigKey("quarkus.security.users.embedded.users.admin", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.admin", "gcache-admin")
            .overrideConfigKey("quarkus.security.users.embedded.users.bob", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.bob", "user");

    @Inject
    GCache gcache;
    @Inject
    Bean bean;

    @Test
    void withoutCredentialsIs401() {
        given().get("/q/gcache").then().statusCode(401);
    }

    @Test
    void withoutTheRoleIs403() {
        given().auth().preemptive().basic("bob", "secret").get("/q/gcache").then().statusCode(403);
        given().auth().preemptive().basic("bob", "secret").contentType("application/json").body("{\"ramp\":0}")
                .put("/q/gcache/Managed/LOCAL").then().statusCode(403);
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    @Test
    void listsUseCases() {
        admin().get("/q/gcache").then().statusCode(200)
                .body("[0].useCase", is("Managed"))
                .body("[0].keyType", is("k"))
                .body("[0].local.ttl", is("PT1M"))
                .body("[0].local.rampSource", is("ANNOTATION"))
                .body("[0].counters.LOCAL.requests", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aPutTakesEffectOnTheNextCallAndDeleteClearsIt() {
        call();
        call();
        int before = bean.calls.get();
        admin().contentType("application/json").body("{\"ramp\":0}").put("/q/gcache/Managed/LOCAL").then()
                .statusCode(200).body("local.ramp", is(0)).body("local.rampSource", is("OVERRIDE"));
        call();
        call();
        assertThat(bean.calls.get() - before).isEqualTo(2); // kill switch: every call runs the method
        admin().delete("/q/gcache/Managed/LOCAL").then().statusCode(200).body("local.rampSource", is("ANNOTATION"));
    }

    /** R22: the shadow ramp is set and cleared like the layer overrides, and shown with the results per layer. */
    @Test
    void theShadowRampIsOverriddenAndCleared() {
        admin().contentType("application/json").body("{\"ramp\":30}").put("/q/gcache/Managed/SHADOW").then()
                .statusCode(200).body("shadow.ramp", is(30)).body("shadow.rampSource", is("OVERRIDE"))
                .body("shadow.LOCAL.mismatch", is(0)).body("shadow.LOCAL.suggestedTtl", org.hamcrest.Matchers.nullValue());
        assertThat(gcache.control().useCase("Managed").shadow().ramp()).isEqualTo(30);
        admin().contentType("application/json").body("{\"ramp\":101}").put("/q/gcache/Managed/SHADOW").then()
                .statusCode(400);
        admin().contentType("application/json").body("{}").put("/q/gcache/Managed/SHADOW").then().statusCode(400);
        assertThat(gcache.control().useCase("Managed").shadow().ramp()).isEqualTo(30);
        admin().delete("/q/gcache/Managed/SHADOW").then().statusCode(200).body("shadow.ramp", is(0))
                .body("shadow.rampSource", is("NONE"));
    }

    @Test
    void badBodiesAre400AndChangeNothing() {
        admin().contentType("application/json").body("{\"ramp\":150}").put("/q/gcache/Managed/LOCAL").then()
                .statusCode(400).body("error", containsString("between 0 and 100"));
        admin().contentType("application/json").body("{\"ttl\":\"soon\"}").put("/q/gcache/Managed/LOCAL").then()
                .statusCode(400).body("error", containsString("ttl"));
        admin().contentType("application/json").body("not json").put("/q/gcache/Managed/LOCAL").then()
                .statusCode(400);
        admin().contentType("application/json").body("{\"ramp\":5}").put("/q/gcache/Nope/LOCAL").then()
                .statusCode(400).body("error", containsString("Unknown use case"));
        admin().contentType("application/json").body("{\"ramp\":5}").put("/q/gcache/Managed/MIDDLE").then()
                .statusCode(400).body("error", containsString("LOCAL, REMOTE or SHADOW"));
        assertThat(gcache.control().useCase("Managed").local().ramp()).isEqualTo(100);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "secret");
    }

    private void call() {
        try (GCache.Scope scope = gcache.enable()) {
            bean.get("m");
        }
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "Managed", localTtl = "1m", localRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return id;
        }
    }
}
