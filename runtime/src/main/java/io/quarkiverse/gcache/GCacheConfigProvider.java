package io.quarkiverse.gcache;

import java.time.Duration;

/**
 * Optional CDI bean through which a feature-flag system decides TTLs and ramps (reference R3). It is consulted on
 * every cached call, so it must be fast and non-blocking; a {@code null} answer falls through to
 * {@code application.properties}, then to the annotation. An exception is a {@code config_error}: the layer is
 * skipped for that call and the error counted (R10).
 */
public interface GCacheConfigProvider {

    /** TTL of {@code layer} for {@code useCase}, or {@code null} to fall through. */
    default Duration ttl(String useCase, CacheLayer layer) {
        return null;
    }

    /** Ramp (0–100) of {@code layer} for {@code useCase}, or {@code null} to fall through. */
    default Integer ramp(String useCase, CacheLayer layer) {
        return null;
    }
}
