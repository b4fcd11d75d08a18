package io.quarkiverse.gcache.runtime.control;

import java.time.Duration;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseStats;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;

/**
 * What runtime control needs of a use case: its policies and overrides, and what the management view shows. The use
 * case implements it; this package does not depend on the package that uses it.
 */
public interface ControlledUseCase {

    String name();

    String keyType();

    LayerPolicy policy(CacheLayer layer);

    /**
     * Sets ({@code ttl} and {@code ramp}) or clears (both {@code null}) the runtime override of {@code layer}; checks
     * before it changes anything, and throws {@link IllegalArgumentException} for a value it refuses (R29).
     */
    void override(CacheLayer layer, Duration ttl, Integer ramp);

    /** Counts and logs an override that was refused (R29: {@code bad_override}). */
    void badOverride(StatLayer layer, String problem);

    UseCaseShadow shadow();

    boolean requestEnabled();

    UseCaseStats stats();

    /** The method's mean time, in nanoseconds; 0 before it has run. */
    long meanMethodNanos();
}
