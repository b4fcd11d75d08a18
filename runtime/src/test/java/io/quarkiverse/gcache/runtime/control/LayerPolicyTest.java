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

    @Test
    void aProviderAnswerOutOfRangeIsAConfigError() {
        AtomicReference<Integer> ramp = new AtomicReference<>(101);
        LayerPolicy policy = policy(MINUTE, 100, new GCacheConfigProvider() {
            @Override
            public Integer ramp(String useCase, CacheLayer layer) {
                return ramp.get();
            }
        });
        LayerPolicy.Decision decision = policy.decide();
        assertThat(decision.reason()).isEqualTo(DisabledReason.CONFIG_ERROR);
        assertThat(decision.providerFailure()).hasMessageContaining("ramp=101").hasMessageContaining("Users.find");
        ramp.set(100);
        assertThat(policy.decide().used()).isTrue();
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
