package io.quarkiverse.gcache;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runtime control (reference: runtime control): see every use case with its effective configuration and where each value comes
 * from,
 * and override ramps and TTLs per use case and layer without a redeploy. Overrides take effect on the next call.
 * With Redis they are fleet-wide: stored in Redis, pushed to every instance within a second, and loaded at
 * startup, so they survive restarts until cleared. Without Redis they apply to this instance only.
 */
public interface GCacheControl {

    /** Every use case, sorted by name. */
    List<UseCaseInfo> useCases();

    /** One use case; {@link IllegalArgumentException} when unknown. */
    UseCaseInfo useCase(String name);

    /**
     * Overrides the TTL and/or ramp of one layer ({@code null} = not overridden, falls through per R3). Validated
     * first: an unknown use case, a ramp outside 0–100 or a negative TTL throws {@link IllegalArgumentException}
     * and changes nothing.
     */
    void override(String useCase, CacheLayer layer, Duration ttl, Integer ramp);

    /** Removes the override of one layer. */
    void clearOverride(String useCase, CacheLayer layer);

    /**
     * Overrides the shadow verification ramp of one use case (reference R22): that share (0–100) of its cache hits also
     * runs the method off the caller's path and compares. {@code null} removes the override (back to
     * {@code use-case."X".shadow.ramp}, default 0). Fleet-wide like the layer overrides; an unknown use case or a ramp
     * outside 0–100 throws {@link IllegalArgumentException} and changes nothing.
     */
    void overrideShadowRamp(String useCase, Integer ramp);

    /** Where an effective value comes from (R3). */
    enum Source {
        OVERRIDE,
        PROVIDER,
        PROPERTIES,
        ANNOTATION,
        NONE
    }

    /** Effective settings of one layer; {@code ttl}/{@code ramp} are {@code null} when not set. */
    record LayerInfo(Duration ttl, Source ttlSource, Integer ramp, Source rampSource) {
    }

    /**
     * Shadow verification results of one layer's hits (R22) and the TTL they suggest (R23).
     *
     * @param suggestedTtl the largest value age at which at least 99 % of comparisons matched; {@code null} while
     *        there are fewer than {@code quarkus.gcache.shadow.min-samples} comparisons
     * @param samples comparisons the suggestion is based on
     * @param suggestedAtLeast no comparison failed yet: values were right as old as they got, a longer TTL may do
     */
    record ShadowLayerInfo(long matches, long mismatches, long errors, Duration suggestedTtl, long samples,
            boolean suggestedAtLeast) {
    }

    /**
     * Shadow verification of a use case (R22, R23): the effective ramp and its source, drawn hits skipped because a
     * run for their key was under way or {@code shadow.max-concurrent} runs were, and the results per layer
     * ({@code LOCAL}, {@code REMOTE}).
     */
    record ShadowInfo(int ramp, Source rampSource, long skipped, Map<String, ShadowLayerInfo> layers) {
    }

    /**
     * A use case: its settings per layer and live counters. {@code counters} holds, per layer
     * ({@code LOCAL}, {@code REMOTE}): {@code requests}, {@code hits}, {@code misses}, {@code errors}, and
     * {@code disabled.<reason>}; and for {@code GLOBAL}: {@code disabled.context}. {@code methodTime} is the mean
     * time of the method's runs on this instance ({@code null} before the first), and {@code timeSaved} the hits of
     * every layer times that mean: what caching spared the callers.
     */
    record UseCaseInfo(String name, String keyType, LayerInfo local, LayerInfo remote,
            Map<String, Map<String, Long>> counters, ShadowInfo shadow, Duration methodTime, Duration timeSaved) {
    }
}
