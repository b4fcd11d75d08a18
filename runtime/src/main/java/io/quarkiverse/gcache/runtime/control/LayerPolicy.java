package io.quarkiverse.gcache.runtime.control;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheControl.Source;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;

/**
 * Decides, per call, whether one layer of one use case is used and with which TTL (reference R2, R3).
 * <p>
 * Each value (TTL, ramp) is taken from the first source that has it: runtime override, then the
 * {@link GCacheConfigProvider}, then {@code application.properties}, then the annotation. The last two are merged
 * once at startup. A layer is used when it has a positive TTL and a ramp, and an independent uniform draw falls
 * under the ramp: 100 always, 0 never. Lock-free; the only per-call cost without a provider is the draw.
 */
public final class LayerPolicy {

    /** A ramp that no source sets (the annotation's {@code -1}). */
    public static final int NOT_SET = -1;

    /**
     * The longest TTL a runtime source may set (R29): 100 years, far below where nanoseconds overflow (about 292
     * years) so that sums with buffers and margins cannot overflow either.
     */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);

    /**
     * What {@link #decide()} answers for one call: the layer is used with a TTL, or not used and why. Immutable. The
     * frequent answers are shared instances, so deciding allocates nothing once the TTL is steady; only a failing
     * {@link GCacheConfigProvider} gets a fresh one, which carries the failure for the log.
     */
    public static final class Decision {

        static final Decision MISSING_CONFIG = new Decision(DisabledReason.MISSING_CONFIG, 0, null);
        static final Decision RAMPED_DOWN = new Decision(DisabledReason.RAMPED_DOWN, 0, null);

        private final DisabledReason reason;
        private final long ttlNanos;
        private final Throwable providerFailure;

        private Decision(DisabledReason reason, long ttlNanos, Throwable providerFailure) {
            this.reason = reason;
            this.ttlNanos = ttlNanos;
            this.providerFailure = providerFailure;
        }

        static Decision use(long ttlNanos) {
            return new Decision(null, ttlNanos, null);
        }

        static Decision configError(Throwable failure) {
            return new Decision(DisabledReason.CONFIG_ERROR, 0, failure);
        }

        /** Whether this call uses the layer. */
        public boolean used() {
            return reason == null;
        }

        /** The TTL of a used layer, in nanoseconds (positive). */
        public long ttlNanos() {
            return ttlNanos;
        }

        /** Why the layer is not used ({@code disabled{reason}}), {@code null} when it is. */
        public DisabledReason reason() {
            return reason;
        }

        /** The provider's failure behind a {@code config_error}, else {@code null}. */
        public Throwable providerFailure() {
            return providerFailure;
        }
    }

    private final String useCase;
    private final CacheLayer layer;
    private final Duration staticTtl;
    private final int staticRamp;
    private final GCacheConfigProvider provider;
    /** R29: the provider's last valid answers, in force while it answers bad values. Racy: a lost write is harmless. */
    private Duration lastProviderTtl;
    private Integer lastProviderRamp;
    /** Told of each bad provider answer (R29), with the field and what is wrong. */
    private volatile java.util.function.Consumer<String> badValues = problem -> {
    };
    private volatile Duration overrideTtl;
    private volatile Integer overrideRamp;
    private volatile long largestTtlUsed;
    /** The last "used" answer; reused while the TTL stays the same. A race only creates an equal instance. */
    private Decision lastUsed = Decision.use(0);
    /**
     * The answer of every call while there is no provider, the ramp is 100 and the TTL positive (the steady state of
     * an enabled layer), else {@code null}: the hot path's whole decision is then this one read. Recomputed by
     * {@link #override}.
     */
    private volatile Decision always;

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
        this.always = always();
    }

    private Decision always() {
        if (provider != null) {
            return null;
        }
        Duration ttl = overrideTtl != null ? overrideTtl : staticTtl;
        int ramp = overrideRamp != null ? overrideRamp : staticRamp;
        if (ttl == null || ttl.isZero() || ttl.isNegative() || ramp < 100) {
            return null;
        }
        long nanos = ttl.toNanos();
        if (nanos > largestTtlUsed) {
            largestTtlUsed = nanos; // every call may use it from now on
        }
        return Decision.use(nanos);
    }

    /** The effective settings and where each comes from; a failing provider counts as not answering. */
    public GCacheControl.LayerInfo describe() {
        Duration ttl = overrideTtl;
        Source ttlSource = Source.OVERRIDE;
        Integer ramp = overrideRamp;
        Source rampSource = Source.OVERRIDE;
        if (provider != null) {
            try {
                if (ttl == null && (ttl = providerTtl(provider.ttl(useCase, layer), false)) != null) {
                    ttlSource = Source.PROVIDER;
                }
                if (ramp == null && (ramp = providerRamp(provider.ramp(useCase, layer), false)) != null) {
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

    /** Whether this call uses the layer, and with which TTL; never throws, also when the provider does. */
    public Decision decide() {
        Decision steady = always;
        if (steady != null) {
            return steady;
        }
        Duration ttl = overrideTtl;
        Integer ramp = overrideRamp;
        if (provider != null && (ttl == null || ramp == null)) {
            Duration providerTtl = null;
            Integer providerRamp = null;
            try {
                if (ttl == null) {
                    providerTtl = provider.ttl(useCase, layer);
                }
                if (ramp == null) {
                    providerRamp = provider.ramp(useCase, layer);
                }
            } catch (Throwable t) {
                return Decision.configError(t);
            }
            // R29: a bad answer is ignored (the provider's last valid one stands), outside of which nothing here throws
            if (ttl == null) {
                ttl = providerTtl(providerTtl, true);
            }
            if (ramp == null) {
                ramp = providerRamp(providerRamp, true);
            }
        }
        if (ttl == null) {
            ttl = staticTtl;
        }
        int r = ramp == null ? staticRamp : ramp;
        if (ttl == null || ttl.isZero() || ttl.isNegative() || r < 0) {
            return Decision.MISSING_CONFIG;
        }
        if (r >= 100 || (r > 0 && ThreadLocalRandom.current().nextInt(100) < r)) {
            long nanos = ttl.toNanos();
            if (nanos > largestTtlUsed) {
                largestTtlUsed = nanos; // rare write; a lost race only delays the update to the next call
            }
            Decision used = lastUsed;
            if (used.ttlNanos != nanos) {
                lastUsed = used = Decision.use(nanos);
            }
            return used;
        }
        return Decision.RAMPED_DOWN;
    }

    /**
     * The provider's TTL answer if valid (remembered), else its last valid one; {@code count}: a bad one is reported.
     */
    private Duration providerTtl(Duration answer, boolean count) {
        if (answer == null) {
            return null;
        }
        String problem = checkTtl(answer);
        if (problem == null) {
            if (!answer.equals(lastProviderTtl)) {
                lastProviderTtl = answer;
            }
            return answer;
        }
        if (count) {
            badValues.accept("GCacheConfigProvider answered ttl " + answer + " for " + useCase + "/" + layer + ": "
                    + problem + "; " + (lastProviderTtl == null ? "not used"
                            : "its last valid " + lastProviderTtl
                                    + " stays in force"));
        }
        return lastProviderTtl;
    }

    private Integer providerRamp(Integer answer, boolean count) {
        if (answer == null) {
            return null;
        }
        String problem = checkRamp(answer);
        if (problem == null) {
            if (!answer.equals(lastProviderRamp)) {
                lastProviderRamp = answer;
            }
            return answer;
        }
        if (count) {
            badValues.accept("GCacheConfigProvider answered ramp " + answer + " for " + useCase + "/" + layer
                    + ": " + problem + "; " + (lastProviderRamp == null ? "not used"
                            : "its last valid "
                                    + lastProviderRamp + " stays in force"));
        }
        return lastProviderRamp;
    }

    /** What is wrong with a TTL from a runtime source (R29), {@code null} when nothing. */
    public static String checkTtl(Duration ttl) {
        if (ttl.isNegative()) {
            return "a TTL must not be negative";
        }
        if (ttl.compareTo(MAX_TTL) > 0) {
            return "a TTL must be at most " + MAX_TTL.toDays() + " days";
        }
        return null;
    }

    /** What is wrong with a ramp from a runtime source (R29), {@code null} when nothing. */
    public static String checkRamp(int ramp) {
        return ramp < 0 || ramp > 100 ? "a ramp must be between 0 and 100" : null;
    }

    /** Where bad provider answers are reported (R29); set once by the use case. */
    public void badValues(java.util.function.Consumer<String> sink) {
        this.badValues = sink;
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

    /**
     * The TTL calls will use when known without asking anyone: the override, else the configured one when there is no
     * provider (whose answer only calls see); {@code null} when unknown or unset.
     */
    public Duration knownTtl() {
        Duration ttl = overrideTtl;
        return ttl != null ? ttl : provider == null ? staticTtl : null;
    }

    /**
     * Sets ({@code null}: clears) the overrides of TTL and ramp together; an invalid one throws
     * {@link IllegalArgumentException} before anything changes (R29: never half-applied).
     */
    public synchronized void override(Duration ttl, Integer ramp) {
        String problem = ttl == null ? null : checkTtl(ttl);
        if (problem == null && ramp != null) {
            problem = checkRamp(ramp);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem + ", got ttl=" + ttl + ", ramp=" + ramp);
        }
        this.overrideTtl = ttl;
        this.overrideRamp = ramp;
        this.always = always();
    }
}
