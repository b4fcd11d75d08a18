package io.quarkiverse.gcache.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl.LayerInfo;
import io.quarkiverse.gcache.GCacheControl.Source;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;

/** Reference R2 (ramps), R3 (sources and their order), R10 (a failing provider is a counted config error). */
class LayerPolicyTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    static LayerPolicy policy(Duration ttl, int ramp, GCacheConfigProvider provider) {
        return new LayerPolicy("Users.find", CacheLayer.LOCAL, ttl, Source.ANNOTATION, ramp, Source.PROPERTIES, provider);
    }

    @Test
    void aLayerWithTtlAndFullRampIsUsedWithThatTtlAndDecidingAllocatesNothingOnceSteady() {
        LayerPolicy policy = policy(MINUTE, 100, null);
        LayerPolicy.Decision first = policy.decide();
        assertThat(first.used()).isTrue();
        assertThat(first.ttlNanos()).isEqualTo(MINUTE.toNanos());
        assertThat(first.reason()).isNull();
        assertThat(policy.decide()).isSameAs(first);
    }

    /** The steady answer follows overrides at once, both ways. */
    @Test
    void anOverrideReplacesTheSteadyAnswer() {
        LayerPolicy policy = policy(MINUTE, 100, null);
        assertThat(policy.decide().ttlNanos()).isEqualTo(MINUTE.toNanos());
        policy.override(null, 0);
        assertThat(policy.decide().reason()).isEqualTo(DisabledReason.RAMPED_DOWN);
        policy.override(Duration.ofSeconds(5), null);
        assertThat(policy.decide().ttlNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        policy.override(Duration.ZERO, null);
        assertThat(policy.decide().reason()).isEqualTo(DisabledReason.MISSING_CONFIG);
        policy.override(null, null);
        assertThat(policy.decide().ttlNanos()).isEqualTo(MINUTE.toNanos());
    }

    @Test
    void missingTtlOrRampMeansMissingConfig() {
        assertThat(policy(null, 100, null).decide().reason()).isEqualTo(DisabledReason.MISSING_CONFIG);
        assertThat(policy(Duration.ZERO, 100, null).decide().reason()).isEqualTo(DisabledReason.MISSING_CONFIG);
        assertThat(policy(MINUTE, LayerPolicy.NOT_SET, null).decide().reason()).isEqualTo(DisabledReason.MISSING_CONFIG);
    }

    @Test
    void rampZeroNeverUsesTheLayer() {
        LayerPolicy policy = policy(MINUTE, 0, null);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.decide().reason()).isEqualTo(DisabledReason.RAMPED_DOWN);
        }
    }

    @Test
    void aPartialRampUsesTheLayerForThatShareOfCalls() {
        LayerPolicy policy = policy(MINUTE, 30, null);
        int used = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            if (policy.decide().used()) {
                used++;
            }
        }
        // 30 % of 20,000 draws: the standard deviation is 65 calls, so 28–32 % is more than 6 of them
        assertThat(used).isBetween(n * 28 / 100, n * 32 / 100);
    }

    @Test
    void anOverrideWinsOverStaticValuesUntilCleared() {
        LayerPolicy policy = policy(MINUTE, 100, null);
        policy.override(Duration.ofSeconds(5), 0);
        assertThat(policy.decide().reason()).isEqualTo(DisabledReason.RAMPED_DOWN);
        policy.override(Duration.ofSeconds(5), 100);
        assertThat(policy.decide().ttlNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(policy.describe()).isEqualTo(new LayerInfo(Duration.ofSeconds(5), Source.OVERRIDE, 100, Source.OVERRIDE));
        policy.override(null, null);
        assertThat(policy.decide().ttlNanos()).isEqualTo(MINUTE.toNanos());
        assertThat(policy.describe()).isEqualTo(new LayerInfo(MINUTE, Source.ANNOTATION, 100, Source.PROPERTIES));
    }

    @Test
    void theProviderWinsOverStaticValuesAndAnOverrideOverTheProvider() {
        GCacheConfigProvider provider = new GCacheConfigProvider() {
            @Override
            public Duration ttl(String useCase, CacheLayer layer) {
                return Duration.ofSeconds(7);
            }
        };
        LayerPolicy policy = policy(MINUTE, 100, provider);
        assertThat(policy.decide().ttlNanos()).isEqualTo(Duration.ofSeconds(7).toNanos());
        assertThat(policy.describe()).isEqualTo(new LayerInfo(Duration.ofSeconds(7), Source.PROVIDER, 100, Source.PROPERTIES));
        policy.override(Duration.ofSeconds(3), null);
        assertThat(policy.decide().ttlNanos()).isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void aThrowingProviderIsAConfigErrorCarryingItsFailureAndNeverThrows() {
        IllegalStateException boom = new IllegalStateException("flag service down");
        LayerPolicy policy = policy(MINUTE, 100, new GCacheConfigProvider() {
            @Override
            public Integer ramp(String useCase, CacheLayer layer) {
                throw boom;
            }
        });
        LayerPolicy.Decision decision = policy.decide();
        assertThat(decision.used()).isFalse();
        assertThat(decision.reason()).isEqualTo(DisabledReason.CONFIG_ERROR);
        assertThat(decision.providerFailure()).isSameAs(boom);
        // shown with the static values: the provider counts as not answering
        assertThat(policy.describe()).isEqualTo(new LayerInfo(MINUTE, Source.ANNOTATION, 100, Source.PROPERTIES));
    }

    /**
     * R29: a provider answer out of range (a ramp over 100, a negative TTL, a TTL that overflows nanoseconds) is ignored
     * and reported; its last valid answer stays in force (the configured value before it gave one); nothing throws.
     */
    @Test
    void aBadProviderAnswerIsIgnoredAndTheLastValidOneStays() {
        AtomicReference<Integer> ramp = new AtomicReference<>(101);
        AtomicReference<Duration> ttl = new AtomicReference<>(Duration.ofSeconds(-1));
        java.util.List<String> bad = new java.util.ArrayList<>();
        LayerPolicy policy = policy(MINUTE, 100, new GCacheConfigProvider() {
            @Override
            public Integer ramp(String useCase, CacheLayer layer) {
                return ramp.get();
            }

            @Override
            public Duration ttl(String useCase, CacheLayer layer) {
                return ttl.get();
            }
        });
        policy.badValues(bad::add);
        LayerPolicy.Decision decision = policy.decide();
        assertThat(decision.used()).as("the configured minute and ramp 100 stand").isTrue();
        assertThat(decision.ttlNanos()).isEqualTo(MINUTE.toNanos());
        assertThat(bad).hasSize(2);
        assertThat(bad.get(0)).contains("ttl PT-1S").contains("Users.find").contains("negative");
        assertThat(bad.get(1)).contains("ramp 101").contains("between 0 and 100");
        assertThat(policy.describe()).isEqualTo(new LayerInfo(MINUTE, Source.ANNOTATION, 100, Source.PROPERTIES));

        ramp.set(0);
        ttl.set(Duration.ofSeconds(5));
        assertThat(policy.decide().reason()).isEqualTo(DisabledReason.RAMPED_DOWN);
        ramp.set(-3);
        ttl.set(Duration.ofDays(300 * 365)); // toNanos() overflows
        assertThat(policy.decide().reason()).as("the last valid ramp, 0, stays").isEqualTo(DisabledReason.RAMPED_DOWN);
        assertThat(bad).hasSize(4);
        assertThat(bad.get(2)).contains("at most 36500 days").contains("its last valid PT5S stays in force");
        assertThat(policy.describe()).isEqualTo(new LayerInfo(Duration.ofSeconds(5), Source.PROVIDER, 0, Source.PROVIDER));
        ramp.set(100);
        assertThat(policy.decide().ttlNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    /** R29: an override out of range throws before anything changes: never half-applied. */
    @Test
    void aBadOverrideChangesNothing() {
        LayerPolicy policy = policy(MINUTE, 100, null);
        policy.override(Duration.ofSeconds(5), 0);
        for (Runnable bad : new Runnable[] { () -> policy.override(Duration.ofMillis(9_000_000_000_000_000L), null),
                () -> policy.override(Duration.ofSeconds(-1), 50), () -> policy.override(null, 101),
                () -> policy.override(Duration.ofSeconds(1), -1) }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class);
            assertThat(policy.describe()).isEqualTo(new LayerInfo(Duration.ofSeconds(5), Source.OVERRIDE, 0,
                    Source.OVERRIDE));
            assertThat(policy.decide().reason()).isEqualTo(DisabledReason.RAMPED_DOWN);
        }
    }

    @Test
    void theLargestTtlUsedOnlyGrows() {
        assertThat(policy(MINUTE, 50, null).largestTtlUsed()).as("no call yet").isZero();
        LayerPolicy policy = policy(MINUTE, 100, null);
        assertThat(policy.largestTtlUsed()).as("a full ramp: every call uses it").isEqualTo(MINUTE.toNanos());
        policy.decide();
        policy.override(Duration.ofMinutes(10), null);
        policy.decide();
        policy.override(Duration.ofSeconds(1), null);
        policy.decide();
        assertThat(policy.largestTtlUsed()).isEqualTo(Duration.ofMinutes(10).toNanos());
        // a ramped-down call never used its TTL
        policy.override(Duration.ofHours(1), 0);
        policy.decide();
        assertThat(policy.largestTtlUsed()).isEqualTo(Duration.ofMinutes(10).toNanos());
    }
}
