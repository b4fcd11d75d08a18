package io.quarkiverse.gcache.runtime.control;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheControl.Source;

/**
 * Decides, per call, whether one layer of one use case is used and with which TTL (reference R2, R3).
 * <p>
 * Each value (TTL, ramp) is taken from the first source that has it: runtime override, then the
 * {@link GCacheConfigProvider}, then {@code application.properties}, then the annotation. The last two are merged
 * once at startup. A layer is used when it has a positive TTL and a ramp, and an independent uniform draw falls
 * under the ramp: 100 always, 0 never. Lock-free; the only per-call cost without a provider is the draw.
 */
public final class LayerPolicy {

    /** Codes returned by {@link #decide()} when the layer is not used. */
    public static final long MISSING_CONFIG = -1;
    public static final long RAMPED_DOWN = -2;
    public static final long CONFIG_ERROR = -3;

    private final String useCase;
    private final CacheLayer layer;
    private final Duration staticTtl;
    private final int staticRamp;
    private final GCacheConfigProvider provider;
    private volatile Duration overrideTtl;
    private volatile Integer overrideRamp;
    private volatile Throwable lastProviderFailure;
    private volatile long largestTtlUsed;

    private final Source staticTtlSource;
    private final Source staticRampSource;

    public LayerPolicy(String useCase, CacheLayer layer, Duration staticTtl, Source staticTtlSource, int staticRamp,
            Source staticRampSource, GCacheConfigProvider provider) {
        this.useCase = useCase;
        this.layer = layer;
        this.staticTtl = staticTtl;
        this.staticTtlSource = staticTtl == null ? Source.NONE : staticTtlSource;
        this.staticRamp = staticRamp;
        this.staticRampSource = staticRamp < 0 ? Source.NONE : staticRampSource;
        this.provider = provider;
    }

    /** The effective settings and where each comes from; a failing provider counts as not answering. */
    public GCacheControl.LayerInfo describe() {
        Duration ttl = overrideTtl;
        Source ttlSource = Source.OVERRIDE;
        Integer ramp = overrideRamp;
        Source rampSource = Source.OVERRIDE;
        if (provider != null) {
            try {
                if (ttl == null && (ttl = provider.ttl(useCase, layer)) != null) {
                    ttlSource = Source.PROVIDER;
                }
                if (ramp == null && (ramp = provider.ramp(useCase, layer)) != null) {
                    rampSource = Source.PROVIDER;
                }
            } catch (RuntimeException e) {
                // shown as the static values; the failure is counted on calls
            }
        }
        if (ttl == null) {
            ttl = staticTtl;
            ttlSource = staticTtlSource;
        }
        if (ramp == null) {
            ramp = staticRamp < 0 ? null : staticRamp;
            rampSource = staticRampSource;
        }
        return new GCacheControl.LayerInfo(ttl, ttlSource, ramp, rampSource);
    }

    public Duration overrideTtl() {
        return overrideTtl;
    }

    public Integer overrideRamp() {
        return overrideRamp;
    }

    /**
     * @return the TTL in nanoseconds when the layer is used by this call, else {@link #MISSING_CONFIG},
     *         {@link #RAMPED_DOWN} or {@link #CONFIG_ERROR}
     */
    public long decide() {
        Duration ttl = overrideTtl;
        Integer ramp = overrideRamp;
        if (provider != null && (ttl == null || ramp == null)) {
            try {
                if (ttl == null) {
                    ttl = provider.ttl(useCase, layer);
                }
                if (ramp == null) {
                    ramp = provider.ramp(useCase, layer);
                }
            } catch (Throwable t) {
                lastProviderFailure = t;
                return CONFIG_ERROR;
            }
            if ((ttl != null && ttl.isNegative()) || (ramp != null && (ramp < 0 || ramp > 100))) {
                lastProviderFailure = new IllegalArgumentException(
                        "GCacheConfigProvider returned ttl=" + ttl + ", ramp=" + ramp + " for " + useCase + "/" + layer);
                return CONFIG_ERROR;
            }
        }
        if (ttl == null) {
            ttl = staticTtl;
        }
        int r = ramp == null ? staticRamp : ramp;
        if (ttl == null || ttl.isZero() || ttl.isNegative() || r < 0) {
            return MISSING_CONFIG;
        }
        if (r >= 100 || (r > 0 && ThreadLocalRandom.current().nextInt(100) < r)) {
            long nanos = ttl.toNanos();
            if (nanos > largestTtlUsed) {
                largestTtlUsed = nanos; // rare write; a lost race only delays the update to the next call
            }
            return nanos;
        }
        return RAMPED_DOWN;
    }

    /** The failure behind the last {@link #CONFIG_ERROR}, for logging. */
    public Throwable lastProviderFailure() {
        return lastProviderFailure;
    }

    /** The largest TTL any call has used, in nanoseconds (R7: watermarks must outlive it). */
    public long largestTtlUsed() {
        return largestTtlUsed;
    }

    public Duration staticTtl() {
        return staticTtl;
    }

    public int staticRamp() {
        return staticRamp;
    }

    public void override(Duration ttl, Integer ramp) {
        this.overrideTtl = ttl;
        this.overrideRamp = ramp;
    }
}
