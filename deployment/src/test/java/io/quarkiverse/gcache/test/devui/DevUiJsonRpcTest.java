package io.quarkiverse.gcache.test.devui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCached;
import io.quarkus.devui.tests.DevUIJsonRPCTest;
import io.quarkus.test.QuarkusDevModeTest;
import io.restassured.RestAssured;

/** reference: runtime control: the Dev UI JSON-RPC methods behind the GCache page. */
class DevUiJsonRpcTest extends DevUIJsonRPCTest {

    @RegisterExtension
    static final QuarkusDevModeTest APP = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(Users.class, UsersResource.class)
                    .addAsResource(new StringAsset("quarkus.redis.devservices.enabled=false\n"), "application.properties"));

    DevUiJsonRpcTest() {
        super("quarkus-gcache");
    }

    @Test
    void listsUseCasesWithLiveCounters() throws Exception {
        RestAssured.get("/users/1").then().statusCode(200);
        RestAssured.get("/users/1").then().statusCode(200);
        JsonNode useCases = executeJsonRPCMethod("getUseCases");
        assertThat(useCases.isArray()).isTrue();
        JsonNode first = useCases.get(0);
        assertThat(first.get("useCase").asText()).isEqualTo("DevUser");
        assertThat(first.get("keyType").asText()).isEqualTo("user_id");
        assertThat(first.get("local").get("ttl").asText()).isEqualTo("PT1M");
        assertThat(first.get("counters").get("LOCAL").get("requests").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(first.get("counters").get("LOCAL").get("hits").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void setRampAppliesAnOverride() throws Exception {
        JsonNode updated = executeJsonRPCMethod("setRamp", Map.of("useCase", "DevUser", "layer", "LOCAL", "ramp", 25));
        assertThat(updated.get("local").get("ramp").asInt()).isEqualTo(25);
        assertThat(updated.get("local").get("rampSource").asText()).isEqualTo("OVERRIDE");
        JsonNode cleared = executeJsonRPCMethod("clearOverride", Map.of("useCase", "DevUser", "layer", "LOCAL"));
        assertThat(cleared.get("local").get("rampSource").asText()).isEqualTo("ANNOTATION");
    }

    @Test
    void invalidateAndFlush() throws Exception {
        assertThat(executeJsonRPCMethod("invalidate", Map.of("keyType", "user_id", "id", "1")).asBoolean()).isTrue();
        assertThat(executeJsonRPCMethod("flushAll").asBoolean()).isTrue();
    }

    @ApplicationScoped
    public static class Users {
        @GCached(keyType = "user_id", id = "id", useCase = "DevUser", localTtl = "1m", localRamp = 100)
        public String get(String id) {
            return "user-" + id;
        }
    }

    @Path("/users")
    public static class UsersResource {
        @Inject
        Users users;

        @GET
        @Path("{id}")
        @GCacheEnabled
        public String get(@PathParam("id") String id) {
            return users.get(id);
        }
    }
}
