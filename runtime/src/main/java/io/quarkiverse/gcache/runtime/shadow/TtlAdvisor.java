package io.quarkiverse.gcache.runtime.shadow;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The TTL advisor of one use case and layer (reference rule R23): shadow comparisons counted by the age of the cached
 * value, and from them the largest age up to which values were right.
 * <p>
 * Ages fall in logarithmic buckets, eight per doubling from 1 ms (each about 9 % wider than the last), up to about
 * 12 days; younger ages count in the first bucket, older ones in the last. A suggestion walks the buckets from the
 * youngest and stops at the first one where fewer than 99 % of comparisons matched, with at least two mismatches (one
 * stray mismatch among a few young comparisons is not evidence): the suggested TTL is that bucket's lower bound, the
 * age up to which the cache served right values. When no bucket fails, the suggestion is
 * the upper bound of the oldest bucket seen, marked {@link Suggestion#atLeast() at least}: values were right as old
 * as they got, so a longer TTL may be as good.
 * <p>
 * Concurrency: {@link #record} is lock-free and may run on any thread; {@link #suggest} reads without locking and may
 * miss comparisons recorded while it runs.
 */
public final class TtlAdvisor {

    /** Percentage of comparisons that must match in an age bucket for its ages to count as right (R23). */
    public static final int MATCH_PERCENT = 99;
    /** Mismatches an age bucket needs before it can end the walk. */
    static final int MIN_MISMATCHES = 2;

    private static final int PER_DOUBLING = 8;
    private static final int BUCKETS = 30 * PER_DOUBLING; // 2^30 ms: about 12 days

    private final AtomicLongArray matches = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray mismatches = new AtomicLongArray(BUCKETS);
    private final long minSamples;

    /** @param minSamples comparisons below which there is no suggestion ("not enough samples") */
    public TtlAdvisor(long minSamples) {
        this.minSamples = minSamples;
    }

    /** Counts one comparison of a value {@code ageNanos} old. */
    public void record(long ageNanos, boolean matched) {
        (matched ? matches : mismatches).incrementAndGet(bucket(ageNanos));
    }

    /**
     * What the comparisons so far suggest.
     *
     * @return the suggestion, with {@link Suggestion#ttl()} {@code null} while there are fewer than the minimum samples
     */
    public Suggestion suggest() {
        long[] m = new long[BUCKETS];
        long[] x = new long[BUCKETS];
        long samples = 0;
        for (int i = 0; i < BUCKETS; i++) {
            m[i] = matches.get(i);
            x[i] = mismatches.get(i);
            samples += m[i] + x[i];
        }
        if (samples < minSamples || samples == 0) {
            return new Suggestion(null, samples, false);
        }
        int oldest = -1;
        for (int i = 0; i < BUCKETS; i++) {
            long n = m[i] + x[i];
            if (n == 0) {
                continue;
            }
            if (x[i] >= MIN_MISMATCHES && m[i] * 100 < MATCH_PERCENT * n) {
                return new Suggestion(lowerBound(i), samples, false);
            }
            oldest = i;
        }
        return new Suggestion(lowerBound(oldest + 1), samples, true);
    }

    static int bucket(long ageNanos) {
        double millis = ageNanos / 1e6;
        if (millis <= 1) {
            return 0;
        }
        int b = (int) (Math.log(millis) / Math.log(2) * PER_DOUBLING);
        return Math.min(b, BUCKETS - 1);
    }

    /** The youngest age of bucket {@code b} (rounded to the millisecond). */
    static Duration lowerBound(int b) {
        if (b == 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.round(Math.pow(2, (double) b / PER_DOUBLING)));
    }

    /**
     * A suggested TTL.
     *
     * @param ttl the suggestion, {@code null} when there are not enough samples
     * @param samples comparisons it is based on
     * @param atLeast no comparison failed: values were right up to the oldest age seen, and possibly beyond
     */
    public record Suggestion(Duration ttl, long samples, boolean atLeast) {

        /** Whether there were enough samples for a suggestion. */
        public boolean present() {
            return ttl != null;
        }
    }
}
