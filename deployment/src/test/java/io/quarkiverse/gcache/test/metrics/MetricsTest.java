package io.quarkiverse.gcache.test.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** R16: a known sequence of calls, and every counter's value as Prometheus scrapes it. */
class MetricsTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Metered.class)
            .overrideConfigKey("quarkus.micrometer.binder-enabled-default", "false")
            // every hit timed, so that gcache.get counts each call below
            .overrideConfigKey("quarkus.gcache.metrics.hit-sampling", "1");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Metered metered;

    @Test
    void everyCounterCountsWhatHappened() {
        REDIS.flushAll();
        metered.get("a"); // disabled by context
        metered.get("a");
        try (GCache.Scope scope = gcache.enable()) {
            for (int i = 0; i < 3; i++) {
                metered.rampedDown("r"); // LOCAL ramped down, REMOTE missing config
            }
            metered.get("a"); // LOCAL miss, REMOTE miss
            await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:a}#Metered") == 1);
            metered.get("a"); // LOCAL hit
            runtime.useCase("Metered").localLayer().clear();
            metered.get("a"); // LOCAL miss, REMOTE hit
            assertThatThrownBy(() -> metered.get("boom")).isInstanceOf(IllegalStateException.class); // both miss, method throws
            REDIS.stop();
            try {
                // R8a: once the instance knows invalidations cannot reach it, LOCAL is off for tracked use cases
                await().until(() -> !runtime.subscriber().isSubscribed());
                metered.get("down"); // LOCAL disabled (invalidation_gap), REMOTE error
            } finally {
                REDIS.start();
            }
        }
        gcache.invalidate("k", "a");
        gcache.invalidate("order_id", "1"); // a key type no @GCached method has: its meters are made on first use

        String m = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String uc = "use_case=\"Metered\"";
        assertThat(value(m, "gcache_disabled_total", uc, "layer=\"GLOBAL\"", "reason=\"context\"")).isEqualTo(2);
        assertThat(value(m, "gcache_disabled_total", "use_case=\"MeteredRampedDown\"", "layer=\"LOCAL\"",
                "reason=\"ramped_down\"")).isEqualTo(3);
        assertThat(value(m, "gcache_disabled_total", "use_case=\"MeteredRampedDown\"", "layer=\"REMOTE\"",
                "reason=\"missing_config\"")).isEqualTo(3);
        assertThat(value(m, "gcache_disabled_total", uc, "layer=\"LOCAL\"", "reason=\"invalidation_gap\"")).isEqualTo(1);
        assertThat(value(m, "gcache_requests_total", uc, "layer=\"LOCAL\"")).isEqualTo(4);
        assertThat(sum(m, "gcache_misses_total", uc, "layer=\"LOCAL\"")).isEqualTo(3);
        assertThat(value(m, "gcache_misses_total", uc, "layer=\"LOCAL\"", "reason=\"absent\"")).isEqualTo(3);
        assertThat(value(m, "gcache_requests_total", uc, "layer=\"REMOTE\"")).isEqualTo(4);
        assertThat(sum(m, "gcache_misses_total", uc, "layer=\"REMOTE\"")).isEqualTo(3);
        // "a" and "boom" were absent, "down" failed
        assertThat(value(m, "gcache_misses_total", uc, "layer=\"REMOTE\"", "reason=\"absent\"")).isEqualTo(2);
        assertThat(value(m, "gcache_misses_total", uc, "layer=\"REMOTE\"", "reason=\"error\"")).isEqualTo(1);
        assertThat(value(m, "gcache_misses_total", uc, "layer=\"REMOTE\"", "reason=\"schema\"")).isZero();
        assertThat(value(m, "gcache_errors_total", uc, "layer=\"REMOTE\"", "error=\"redis\"", "in_fallback=\"false\""))
                .isEqualTo(1);
        assertThat(value(m, "gcache_errors_total", uc, "layer=\"GLOBAL\"", "error=\"IllegalStateException\"",
                "in_fallback=\"true\"")).isEqualTo(1);
        assertThat(value(m, "gcache_errors_total", uc, "layer=\"REMOTE\"", "error=\"serialization\"")).isZero();
        // R29: bad control input, made up front for every layer (GLOBAL: the shadow ramp)
        for (String layer : new String[] { "LOCAL", "REMOTE", "GLOBAL" }) {
            assertThat(value(m, "gcache_errors_total", uc, "layer=\"" + layer + "\"", "error=\"bad_override\"")).isZero();
        }
        assertThat(value(m, "gcache_invalidations_total", "key_type=\"k\"", "layer=\"LOCAL\"")).isEqualTo(1);
        assertThat(value(m, "gcache_invalidations_total", "key_type=\"k\"", "layer=\"REMOTE\"")).isEqualTo(1);
        assertThat(value(m, "gcache_invalidations_total", "key_type=\"order_id\"", "layer=\"LOCAL\"")).isEqualTo(1);
        assertThat(value(m, "gcache_invalidations_total", "key_type=\"order_id\"", "layer=\"REMOTE\"")).isEqualTo(1);
        // every enabled call but the failed one, under the deepest layer it consulted: the LOCAL hit under LOCAL; the
        // REMOTE hit and the two calls that went through REMOTE to the method ("a" first, "down") under REMOTE
        assertThat(value(m, "gcache_get_seconds_count", uc, "layer=\"LOCAL\"")).isEqualTo(1);
        assertThat(value(m, "gcache_get_seconds_count", uc, "layer=\"REMOTE\"")).isEqualTo(3);
        assertThat(value(m, "gcache_fallback_seconds_count", uc, "layer=\"REMOTE\"")).isEqualTo(3);
        assertThat(value(m, "gcache_fallback_seconds_count", uc, "layer=\"LOCAL\"")).isZero();
        assertThat(value(m, "gcache_fallback_seconds_count", "use_case=\"MeteredRampedDown\"", "layer=\"LOCAL\""))
                .isEqualTo(3); // no layer consulted: timed under the first, as gcache's outermost layer does
        assertThat(value(m, "gcache_serialization_seconds_count", uc, "layer=\"REMOTE\"", "operation=\"dump\""))
                .isEqualTo(1);
        assertThat(value(m, "gcache_serialization_seconds_count", uc, "layer=\"REMOTE\"", "operation=\"load\""))
                .isEqualTo(1);
        assertThat(value(m, "gcache_value_size_bytes_count", uc, "layer=\"REMOTE\"")).isEqualTo(2); // one dump, one load
    }

    /** The sum of the samples of {@code name} whose labels contain every fragment. */
    static double sum(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The value of the one sample of {@code name} whose labels contain every fragment. */
    static double value(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .reduce((x, y) -> {
                    throw new AssertionError("more than one sample of " + name + " " + Arrays.toString(labels));
                })
                .orElseThrow(() -> new AssertionError("no sample of " + name + " " + Arrays.toString(labels)
                        + " in\n" + scrape));
    }

    @Singleton
    public static class Metered {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "Metered", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            if (id.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            return "v" + id;
        }

        @GCached(keyType = "k", id = "id", useCase = "MeteredRampedDown", localTtl = "1m", localRamp = 0)
        public String rampedDown(String id) {
            return id;
        }
    }
}
