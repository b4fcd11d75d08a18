package io.quarkiverse.gcache.runtime.metrics;

/**
 * Timers and summaries of one use case (R16). The no-op instance is used when Micrometer is absent; with it, the
 * meters are created once at startup and recording never looks a meter up.
 */
public interface UseCaseMeters {

    UseCaseMeters NOOP = new UseCaseMeters() {
    };

    /**
     * Whether this LOCAL hit is timed for {@code gcache.get}: reading the clock twice costs about as much as the hit
     * itself, so hits are sampled ({@code quarkus.gcache.metrics.hit-sampling}); misses are always timed. Counters
     * ({@code gcache.requests}, {@code gcache.misses}) stay exact.
     */
    default boolean sampleHit() {
        return false;
    }

    /**
     * {@code gcache.get}: time of a cached call spent outside the method, tagged with the deepest layer the call
     * consulted ({@code LOCAL} or {@code REMOTE}): the one that answered, or the last that missed.
     */
    default void get(StatLayer layer, long nanos) {
    }

    /** {@code gcache.fallback}: time spent in the method, tagged with the deepest layer the call consulted. */
    default void fallback(StatLayer layer, long nanos) {
    }

    /** {@code gcache.serialization{layer=REMOTE}}, {@code operation} = dump or load: only REMOTE serializes. */
    default void serialization(boolean dump, long nanos) {
    }

    /** {@code gcache.value.size{layer=REMOTE}} in bytes. */
    default void valueSize(int bytes) {
    }

    /** {@code gcache.errors{in_fallback=true}}: the method itself threw. Rare, so its counter may be made lazily. */
    default void fallbackError(Throwable t) {
    }

    /**
     * {@code gcache.shadow.age{layer,result}}: the age of a cached value a shadow run compared (R22), {@code result}
     * {@code match} when the fresh value was the same, else {@code mismatch}.
     */
    default void shadowAge(StatLayer layer, boolean matched, long ageNanos) {
    }
}
