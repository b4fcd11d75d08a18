package io.quarkiverse.gcache.test.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheControl.Source;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R29: a bad control input — from the overrides hash, the management endpoint, {@code control()} (which the Dev UI
 * calls) or a {@link GCacheConfigProvider} — is refused or ignored, counted {@code errors{error=bad_override}}, and
 * never makes a call fail; the previous valid override stays in force, never half-applied.
 */
class ControlInputTest {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final String HASH = "gcache:overrides:urn";

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Bean.class, Flags.class)
            .setBeforeAllCustomizer(() -> REDIS.call("DEL", HASH))
            // a free port: other builds on the machine may hold 8081
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.gcache.management.enabled", "true")
            .overrideConfigKey("quarkus.http.auth.basic", "true")
            .overrideConfigKey("quarkus.security.users.embedded.enabled", "true")
            .overrideConfigKey("quarkus.security.users.embedded.plain-text", "true")
            .overrideConfigKey("quarkus.security.users.embedded.users.admin", "secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.admin", "gcache-admin");

    @Inject
    GCache gcache;
    @Inject
    Bean bean;
    @Inject
    GCacheRuntime runtime;

    long badOverrides(String useCase, StatLayer layer) {
        return runtime.useCase(useCase).stats().errors(layer, ErrorKind.BAD_OVERRIDE);
    }

    /** Reads one value twice; asserts both calls answer it. */
    String read(String useCase, String id) {
        try (GCache.Scope scope = gcache.enable()) {
            String value = switch (useCase) {
                case "GetUser" -> bean.user(id);
                case "Managed" -> bean.managed(id);
                default -> bean.provided(id);
            };
            assertThat(value).isEqualTo(useCase + id);
            return value;
        }
    }

    /** The forms of the issue (9000000000000000| then abc|x) and every other bad form of a layer field. */
    static final List<String> BAD_LAYER_VALUES = List.of("9000000000000000|", "abc|x", "|150", "|-1", "-5|",
            "5|5|5", "", "|abc", "99999999999999999999|", "1.5|");

    @Test
    void badValuesInTheOverridesHashAreIgnoredAndThePreviousOverrideStays() {
        GCacheControl.LayerInfo valid = new GCacheControl.LayerInfo(Duration.ofMinutes(2), Source.OVERRIDE, 100,
                Source.ANNOTATION);
        REDIS.call("HSET", HASH, "GetUser#LOCAL", "120000|");
        REDIS.call("PUBLISH", "gcache:control:urn", "GetUser#LOCAL");
        await().atMost(Duration.ofSeconds(5)).until(() -> gcache.control().useCase("GetUser").local().equals(valid));
        read("GetUser", "9");
        int runs = bean.calls.get();
        long errors = badOverrides("GetUser", StatLayer.LOCAL);
        for (String bad : BAD_LAYER_VALUES) {
            REDIS.call("HSET", HASH, "GetUser#LOCAL", bad);
            REDIS.call("PUBLISH", "gcache:control:urn", "GetUser#LOCAL");
            long expected = ++errors;
            // reading all along: no call fails while the bad value arrives (before R29 every call did, for good)
            await("counted: " + bad).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                read("GetUser", "9");
                return badOverrides("GetUser", StatLayer.LOCAL) == expected;
            });
            for (int i = 0; i < 3; i++) {
                read("GetUser", "9"); // never fails: the cached value, under the override still in force
            }
            assertThat(gcache.control().useCase("GetUser").local()).as("after %s", bad).isEqualTo(valid);
        }
        assertThat(bean.calls.get()).as("every read a LOCAL hit").isEqualTo(runs);
        // a reload that finds the same bad value again neither counts it again nor changes anything
        runtime.control().reload().await().atMost(Duration.ofSeconds(5));
        assertThat(badOverrides("GetUser", StatLayer.LOCAL)).isEqualTo(errors);
        System.out.printf("GCACHE R29 hash: %d bad values announced, %d counted bad_override, 0 failed calls, "
                + "%d method runs (every read a LOCAL hit)%n", BAD_LAYER_VALUES.size(),
                badOverrides("GetUser", StatLayer.LOCAL), bean.calls.get() - runs);

        // the field works again once it holds a valid value
        REDIS.call("HSET", HASH, "GetUser#LOCAL", "|0");
        REDIS.call("PUBLISH", "gcache:control:urn", "GetUser#LOCAL");
        await().atMost(Duration.ofSeconds(5)).until(() -> Integer.valueOf(0).equals(gcache.control().useCase("GetUser")
                .local().ramp()));
        gcache.control().clearOverride("GetUser", CacheLayer.LOCAL);
    }

    @Test
    void badShadowRampsInTheOverridesHashAreIgnored() {
        gcache.control().overrideShadowRamp("GetUser", 5);
        long errors = badOverrides("GetUser", StatLayer.GLOBAL);
        for (String bad : List.of("|150", "|-1", "|x", "5|10", "")) {
            REDIS.call("HSET", HASH, "GetUser#SHADOW", bad);
            REDIS.call("PUBLISH", "gcache:control:urn", "GetUser#SHADOW");
            long expected = ++errors;
            await("counted: " + bad).atMost(Duration.ofSeconds(5))
                    .until(() -> badOverrides("GetUser", StatLayer.GLOBAL) == expected);
            read("GetUser", "s");
            assertThat(gcache.control().useCase("GetUser").shadow().ramp()).as("after %s", bad).isEqualTo(5);
        }
        gcache.control().overrideShadowRamp("GetUser", null);
    }

    @Test
    void badBodiesOfTheManagementEndpointAre400CountedAndChangeNothing() {
        admin().contentType("application/json").body("{\"ttl\":\"2m\",\"ramp\":100}").put("/q/gcache/Managed/LOCAL")
                .then().statusCode(200);
        GCacheControl.LayerInfo valid = new GCacheControl.LayerInfo(Duration.ofMinutes(2), Source.OVERRIDE, 100,
                Source.OVERRIDE);
        assertThat(gcache.control().useCase("Managed").local()).isEqualTo(valid);
        String stored = (String) REDIS.call("HGET", HASH, "Managed#LOCAL");
        read("Managed", "m");
        int runs = bean.calls.get();
        long errors = badOverrides("Managed", StatLayer.LOCAL);
        String[][] bodies = {
                { "{\"ramp\":150}", "between 0 and 100" },
                { "{\"ramp\":-1}", "between 0 and 100" },
                { "{\"ramp\":\"abc\"}", "ramp" },
                { "{\"ramp\":1.5}", "ramp" },
                { "{\"ttl\":\"-5s\"}", "ttl" },
                { "{\"ttl\":\"1000000d\"}", "36500 days" }, // overflows nanoseconds
                { "{\"ttl\":\"99999999999999999999d\"}", "ttl" },
                { "{\"ttl\":\"soon\"}", "ttl" },
                { "not json", "" },
                { "[1]", "JSON object" },
        };
        for (String[] body : bodies) {
            admin().contentType("application/json").body(body[0]).put("/q/gcache/Managed/LOCAL").then()
                    .statusCode(400).body("error", containsString(body[1]));
            assertThat(badOverrides("Managed", StatLayer.LOCAL)).as("counted: %s", body[0]).isEqualTo(++errors);
            read("Managed", "m");
            assertThat(gcache.control().useCase("Managed").local()).as("after %s", body[0]).isEqualTo(valid);
        }
        admin().contentType("application/json").body("{\"ramp\":101}").put("/q/gcache/Managed/SHADOW").then()
                .statusCode(400).body("error", containsString("between 0 and 100"));
        assertThat(badOverrides("Managed", StatLayer.GLOBAL)).isEqualTo(1);
        assertThat(bean.calls.get()).as("every read a LOCAL hit").isEqualTo(runs);
        assertThat(REDIS.call("HGET", HASH, "Managed#LOCAL")).as("nothing stored").isEqualTo(stored);
        System.out.printf("GCACHE R29 endpoint: %d bad bodies, all 400, %d counted bad_override%n", bodies.length + 1,
                badOverrides("Managed", StatLayer.LOCAL) + badOverrides("Managed", StatLayer.GLOBAL));
        admin().delete("/q/gcache/Managed/LOCAL").then().statusCode(200);
    }

    /** The door the Dev UI's JSON-RPC methods use: {@code control()} refuses, counts, changes nothing. */
    @Test
    void badValuesThroughControlAreRefusedCountedAndChangeNothing() {
        gcache.control().override("Managed", CacheLayer.REMOTE, Duration.ofMinutes(3), 50);
        GCacheControl.LayerInfo valid = gcache.control().useCase("Managed").remote();
        long errors = badOverrides("Managed", StatLayer.REMOTE);
        List<Runnable> bad = List.of(
                () -> gcache.control().override("Managed", CacheLayer.REMOTE, null, 150),
                () -> gcache.control().override("Managed", CacheLayer.REMOTE, Duration.ofSeconds(-1), 10),
                () -> gcache.control().override("Managed", CacheLayer.REMOTE, Duration.ofDays(200 * 365), 10));
        for (Runnable r : bad) {
            assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class);
            assertThat(badOverrides("Managed", StatLayer.REMOTE)).isEqualTo(++errors);
            assertThat(gcache.control().useCase("Managed").remote()).isEqualTo(valid);
        }
        assertThat(REDIS.call("HGET", HASH, "Managed#REMOTE")).isEqualTo("180000|50");
        gcache.control().clearOverride("Managed", CacheLayer.REMOTE);
    }

    @Test
    void badProviderAnswersAreIgnoredAndItsLastValidAnswerStays() {
        Flags.TTL.set(Duration.ofMinutes(2));
        Flags.RAMP.set(100);
        read("Provided", "p");
        int runs = bean.calls.get();
        assertThat(gcache.control().useCase("Provided").local()).isEqualTo(new GCacheControl.LayerInfo(
                Duration.ofMinutes(2), Source.PROVIDER, 100, Source.PROVIDER));
        long errors = badOverrides("Provided", StatLayer.LOCAL);
        Object[][] answers = { { Duration.ofDays(300 * 365), 100 }, // beyond ~292 years: toNanos() overflows
                { Duration.ofSeconds(-1), 100 }, { Duration.ofMinutes(2), 150 }, { Duration.ofMinutes(2), -1 } };
        for (Object[] answer : answers) {
            Flags.TTL.set((Duration) answer[0]);
            Flags.RAMP.set((Integer) answer[1]);
            for (int i = 0; i < 3; i++) {
                read("Provided", "p"); // never fails: the cached value
            }
            assertThat(badOverrides("Provided", StatLayer.LOCAL)).as("counted: %s", List.of(answer)).isGreaterThan(errors);
            errors = badOverrides("Provided", StatLayer.LOCAL);
            assertThat(gcache.control().useCase("Provided").local()).isEqualTo(new GCacheControl.LayerInfo(
                    Duration.ofMinutes(2), Source.PROVIDER, 100, Source.PROVIDER));
        }
        assertThat(bean.calls.get()).as("every read a LOCAL hit under the last valid answers").isEqualTo(runs);
        System.out.printf("GCACHE R29 provider: %d bad answers over %d reads, %d counted bad_override, 0 failed calls, "
                + "%d method runs%n", answers.length, answers.length * 3, errors, bean.calls.get() - runs);
        Flags.TTL.set(null);
        Flags.RAMP.set(null);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "secret");
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "GetUser", localTtl = "10m", localRamp = 100)
        public String user(String id) {
            calls.incrementAndGet();
            return "GetUser" + id;
        }

        @GCached(keyType = "m", id = "id", useCase = "Managed", localTtl = "1m", localRamp = 100, remoteTtl = "1m")
        public String managed(String id) {
            calls.incrementAndGet();
            return "Managed" + id;
        }

        @GCached(keyType = "p", id = "id", useCase = "Provided", localTtl = "1m", localRamp = 100)
        public String provided(String id) {
            calls.incrementAndGet();
            return "Provided" + id;
        }
    }

    /** Answers for Provided's LOCAL layer what the test sets. */
    @Singleton
    public static class Flags implements GCacheConfigProvider {
        static final AtomicReference<Duration> TTL = new AtomicReference<>();
        static final AtomicReference<Integer> RAMP = new AtomicReference<>();

        @Override
        public Duration ttl(String useCase, CacheLayer layer) {
            return useCase.equals("Provided") && layer == CacheLayer.LOCAL ? TTL.get() : null;
        }

        @Override
        public Integer ramp(String useCase, CacheLayer layer) {
            return useCase.equals("Provided") && layer == CacheLayer.LOCAL ? RAMP.get() : null;
        }
    }
}
