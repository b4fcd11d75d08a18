package io.quarkiverse.gcache.benchmarks;

/**
 * How often each measured method's body ran. A "hit" row whose body ran more than {@link #HANDFUL} times measured
 * misses, not hits, and fails the run. Static counters, not bean fields: through a client proxy a field read would
 * see the proxy's copy. Single benchmark thread, so plain longs.
 */
public enum Body {
    HIT,
    HIT3,
    CACHE_RESULT,
    NOOP,
    PLAIN,
    REMOTE,
    LARGE,
    WORK,
    MEMORY;

    /** Priming calls happen before the counters are reset; a few more are tolerated (a late REMOTE write). */
    static final int HANDFUL = 3;

    long runs;

    void ran() {
        runs++;
    }

    static void reset() {
        for (Body b : values()) {
            b.runs = 0;
        }
    }

    /** Throws when a hit benchmark ran one of these bodies more than a handful of times. */
    static void requireHits(String benchmark, Body... bodies) {
        for (Body b : bodies) {
            if (b.runs > HANDFUL) {
                throw new IllegalStateException(benchmark + " is not measuring cache hits: the body of " + b + " ran "
                        + b.runs + " times during the trial");
            }
        }
    }
}
