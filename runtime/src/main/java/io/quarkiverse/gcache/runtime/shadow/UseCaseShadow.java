package io.quarkiverse.gcache.runtime.shadow;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;

/**
 * Shadow verification state of one use case (reference rules R22, R23): its ramp, the keys being verified, and the
 * results per layer with their TTL advisors.
 * <p>
 * The ramp is the runtime override if there is one, else {@code use-case."X".shadow.ramp}, else 0. A hit pays one
 * volatile read while the ramp is 0 and one random draw otherwise; everything else happens off the caller's path.
 * Thread-safe and lock-free.
 */
public final class UseCaseShadow {

    /** A result of one comparison; {@code error} when the shadow run or the comparison failed. */
    public enum Result {
        MATCH,
        MISMATCH,
        ERROR;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The layers whose hits are verified: REQUEST values live for one scope and are never compared. */
    public static final StatLayer[] LAYERS = { StatLayer.LOCAL, StatLayer.REMOTE };

    private final int staticRamp;
    private final GCacheControl.Source staticSource;
    private volatile Integer overrideRamp;
    /** The effective ramp, read on every hit. */
    private volatile int ramp;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final LongAdder[][] results = new LongAdder[LAYERS.length][Result.values().length];
    private final TtlAdvisor[] advisors = new TtlAdvisor[LAYERS.length];
    private final LongAdder skipped = new LongAdder();

    /**
     * @param staticRamp {@code use-case."X".shadow.ramp}, {@code null} when not set
     * @param minSamples comparisons a TTL suggestion needs
     */
    public UseCaseShadow(Integer staticRamp, long minSamples) {
        this.staticRamp = staticRamp == null ? 0 : staticRamp;
        this.staticSource = staticRamp == null ? GCacheControl.Source.NONE : GCacheControl.Source.PROPERTIES;
        this.ramp = this.staticRamp;
        for (int l = 0; l < LAYERS.length; l++) {
            advisors[l] = new TtlAdvisor(minSamples);
            for (int r = 0; r < Result.values().length; r++) {
                results[l][r] = new LongAdder();
            }
        }
    }

    /** Whether this hit is verified: a draw under the ramp. */
    public boolean draw() {
        int r = ramp;
        return r > 0 && (r >= 100 || ThreadLocalRandom.current().nextInt(100) < r);
    }

    /** Sets ({@code null}: clears) the runtime override of the ramp; validated by the caller. */
    public void override(Integer ramp) {
        this.overrideRamp = ramp;
        this.ramp = ramp == null ? staticRamp : ramp;
    }

    /** The runtime override of the ramp, {@code null} when none. */
    public Integer overrideRamp() {
        return overrideRamp;
    }

    /** The effective ramp and where it comes from. */
    public GCacheControl.ShadowInfo describe() {
        Integer o = overrideRamp;
        java.util.Map<String, GCacheControl.ShadowLayerInfo> layers = new java.util.LinkedHashMap<>();
        for (StatLayer layer : LAYERS) {
            TtlAdvisor.Suggestion s = advisor(layer).suggest();
            layers.put(layer.name(), new GCacheControl.ShadowLayerInfo(count(layer, Result.MATCH),
                    count(layer, Result.MISMATCH), count(layer, Result.ERROR), s.ttl(), s.samples(), s.atLeast()));
        }
        return new GCacheControl.ShadowInfo(o != null ? o : staticRamp,
                o != null ? GCacheControl.Source.OVERRIDE : staticSource, skipped.sum(), layers);
    }

    /** Claims {@code key} for one shadow run; {@code false} when one runs already (at most one per key, R22). */
    boolean start(String key) {
        return running.add(key);
    }

    void end(String key) {
        running.remove(key);
    }

    void record(StatLayer layer, Result result, long ageNanos) {
        results[index(layer)][result.ordinal()].increment();
        if (result != Result.ERROR) {
            advisor(layer).record(ageNanos, result == Result.MATCH);
        }
    }

    /** A drawn hit not verified: its key already had a run, or the overall bound was reached. */
    void skip() {
        skipped.increment();
    }

    /** Comparisons of {@code layer}'s hits with {@code result} ({@code gcache.shadow}). */
    public long count(StatLayer layer, Result result) {
        return results[index(layer)][result.ordinal()].sum();
    }

    /** Drawn hits that were not verified (a run for the key was under way, or too many ran). */
    public long skipped() {
        return skipped.sum();
    }

    public TtlAdvisor advisor(StatLayer layer) {
        return advisors[index(layer)];
    }

    private static int index(StatLayer layer) {
        return layer == StatLayer.LOCAL ? 0 : 1;
    }
}
