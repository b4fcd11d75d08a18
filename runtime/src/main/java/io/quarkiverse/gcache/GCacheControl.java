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
     * A use case: its settings per layer and live counters. {@code counters} holds, per layer
     * ({@code LOCAL}, {@code REMOTE}): {@code requests}, {@code hits}, {@code misses}, {@code errors}, and
     * {@code disabled.<reason>}; and for {@code GLOBAL}: {@code disabled.context}.
     */
    record UseCaseInfo(String name, String keyType, LayerInfo local, LayerInfo remote,
            Map<String, Map<String, Long>> counters) {
    }
}
