package io.quarkiverse.gcache.test.devui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.devui.tests.DevUIJsonRPCTest;
import io.quarkus.test.QuarkusDevModeTest;
import io.restassured.RestAssured;

/** reference: runtime control: the Dev UI JSON-RPC methods behind the GCache page, against the private Redis. */
class DevUiJsonRpcTest extends DevUIJsonRPCTest {

    @RegisterExtension
    static final QuarkusDevModeTest APP = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(Users.class, Verified.class, UsersResource.class)
                    .addAsResource(new StringAsset("quarkus.redis.devservices.enabled=false\n"
                            + "quarkus.gcache.shadow.min-samples=3\n"
                            + "quarkus.redis.hosts=" + PrivateRedis.shared().uri() + "\n"), "application.properties"));

    static final PrivateRedis REDIS = PrivateRedis.shared();

    DevUiJsonRpcTest() {
        super("quarkus-gcache");
    }

    @Test
    void listsUseCasesWithLiveCounters() throws Exception {
        user("1");
        user("1");
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

    /** R29: a ramp out of range from the page is refused and counted (bad_override); the override in force stays. */
    @Test
    void aRampOutOfRangeIsRefusedAndCounted() throws Exception {
        executeJsonRPCMethod("setRamp", Map.of("useCase", "DevUser", "layer", "REMOTE", "ramp", 40));
        long errors = devUser().get("counters").get("REMOTE").get("errors").asLong();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> executeJsonRPCMethod("setRamp", Map.of("useCase", "DevUser", "layer", "REMOTE", "ramp", 150)))
                .isInstanceOf(RuntimeException.class);
        JsonNode after = devUser();
        assertThat(after.get("remote").get("ramp").asInt()).isEqualTo(40);
        assertThat(after.get("counters").get("REMOTE").get("errors").asLong()).isEqualTo(errors + 1);
        user("29"); // calls still answer
        executeJsonRPCMethod("clearOverride", Map.of("useCase", "DevUser", "layer", "REMOTE"));
    }

    private JsonNode devUser() throws Exception {
        for (JsonNode uc : executeJsonRPCMethod("getUseCases")) {
            if (uc.get("useCase").asText().equals("DevUser")) {
                return uc;
            }
        }
        throw new AssertionError("no DevUser");
    }

    /**
     * R22, R23: the page's shadow slider sets the ramp; once enough hits were compared, the suggested TTL is applied as
     * the LOCAL TTL override.
     */
    @Test
    void shadowRampAndApplyingTheSuggestedTtl() throws Exception {
        JsonNode updated = executeJsonRPCMethod("setShadowRamp", Map.of("useCase", "DevVerified", "ramp", 100));
        assertThat(updated.get("shadow").get("ramp").asInt()).isEqualTo(100);
        assertThat(updated.get("shadow").get("rampSource").asText()).isEqualTo("OVERRIDE");
        String[] suggested = new String[1];
        await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            verified("1"); // a miss, then hits that are compared (every computation differs: each one mismatches)
            for (JsonNode uc : executeJsonRPCMethod("getUseCases")) {
                if (uc.get("useCase").asText().equals("DevVerified")) {
                    JsonNode local = uc.get("shadow").get("LOCAL");
                    // the Dev UI's JSON leaves out null fields
                    suggested[0] = local.hasNonNull("suggestedTtl") ? local.get("suggestedTtl").asText() : null;
                    return suggested[0] != null && !local.get("suggestedAtLeast").asBoolean()
                            && local.get("mismatch").asLong() > 0;
                }
            }
            return false;
        });
        JsonNode applied = executeJsonRPCMethod("applySuggestedTtl", Map.of("useCase", "DevVerified", "layer", "LOCAL"));
        assertThat(applied.get("local").get("ttlSource").asText()).isEqualTo("OVERRIDE");
        assertThat(applied.get("local").get("ttl").asText()).isEqualTo(suggested[0]);
        assertThat(applied.get("timeSaved").asText()).startsWith("PT");
        executeJsonRPCMethod("clearOverride", Map.of("useCase", "DevVerified", "layer", "LOCAL"));
        executeJsonRPCMethod("setShadowRamp", Map.of("useCase", "DevVerified", "ramp", 0));
    }

    /**
     * The effect of the two RPCs, not their return values: every computation of {@link Users#get} returns a new value,
     * so a changed value shows that the cache was dropped, an unchanged one that it was kept.
     */
    @Test
    void invalidateDropsOneEntityAndFlushAllEmptiesLocalAndRemote() throws Exception {
        String ten = user("10");
        String eleven = user("11");
        assertThat(user("10")).isEqualTo(ten); // cached
        await().until(() -> exists("{urn:user_id:10}#DevUser") && exists("{urn:user_id:11}#DevUser"));

        // each entity got a watermark with its first read (R25); the invalidation moves only the one of 10
        Object tenWatermark = REDIS.call("GET", "{urn:user_id:10}#watermark");
        Object elevenWatermark = REDIS.call("GET", "{urn:user_id:11}#watermark");
        executeJsonRPCMethod("invalidate", Map.of("keyType", "user_id", "id", "10"));
        assertThat(REDIS.call("GET", "{urn:user_id:10}#watermark")).isNotNull().isNotEqualTo(tenWatermark);
        assertThat(REDIS.call("GET", "{urn:user_id:11}#watermark")).isEqualTo(elevenWatermark);
        String tenAfterInvalidate = user("10");
        assertThat(tenAfterInvalidate).startsWith("user-10#").isNotEqualTo(ten); // recomputed
        assertThat(user("11")).isEqualTo(eleven); // another entity: still cached
        await().until(() -> exists("{urn:user_id:10}#DevUser")); // the new value, stored after the watermark

        executeJsonRPCMethod("flushAll");
        await().until(() -> REDIS.call("KEYS", "{urn:user_id:1[01]}*").equals(List.of()));
        String elevenAfterFlush = user("11");
        assertThat(elevenAfterFlush).startsWith("user-11#").isNotEqualTo(eleven);
        assertThat(user("10")).startsWith("user-10#").isNotEqualTo(tenAfterInvalidate);
        assertThat(user("11")).isEqualTo(elevenAfterFlush); // and caching again
    }

    /**
     * GET /users/{id} at {@code test.url}, where the Dev UI client connects too (RestAssured's default port need not
     * be the application's).
     */
    private static String user(String id) {
        String url = ConfigProvider.getConfig().getValue("test.url", String.class);
        return RestAssured.get(url + "/users/" + id).then().statusCode(200).extract().asString();
    }

    private static boolean exists(String key) {
        return (Long) REDIS.call("EXISTS", key) == 1;
    }

    @ApplicationScoped
    public static class Users {
        final AtomicInteger computations = new AtomicInteger();

        /** A new value on every computation: {@code user-<id>#<n>}. */
        @GCached(keyType = "user_id", id = "id", useCase = "DevUser", localTtl = "1m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public String get(String id) {
            return "user-" + id + "#" + computations.incrementAndGet();
        }
    }

    @ApplicationScoped
    public static class Verified {
        final AtomicInteger computations = new AtomicInteger();

        /** A new value on every computation: every shadow comparison mismatches. */
        @GCached(keyType = "user_id", id = "id", useCase = "DevVerified", localTtl = "1m", localRamp = 100)
        public String get(String id) {
            return "verified-" + id + "#" + computations.incrementAndGet();
        }
    }

    private static String verified(String id) {
        String url = ConfigProvider.getConfig().getValue("test.url", String.class);
        return RestAssured.get(url + "/users/" + id + "/verified").then().statusCode(200).extract().asString();
    }

    @Path("/users")
    public static class UsersResource {
        @Inject
        Users users;
        @Inject
        Verified verified;

        @GET
        @Path("{id}/verified")
        @GCacheEnabled
        public String verified(@PathParam("id") String id) {
            return verified.get(id);
        }

        @GET
        @Path("{id}")
        @GCacheEnabled
        public String get(@PathParam("id") String id) {
            return users.get(id);
        }
    }
}
