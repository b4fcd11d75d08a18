package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The Redis server's clock (reference R6a) between {@code TIME} samples, so that a REMOTE read need not ask for it:
 * {@code TIME} cost Redis ~0.2 µs of CPU per read beside ~0.3 µs for the read's {@code MGET} (performance page, "Fifth
 * round"). One Redis server's clock: not for Redis Cluster, whose nodes each have their own.
 * <p>
 * A sample is a {@code TIME} reply with the local {@link System#nanoTime()} when its request left and when the reply
 * arrived; the server read its clock somewhere in between. So at a later local instant {@code n} the server's clock is
 * at least {@code server + (n - arrived)} and at most {@code server + (n - sent)}. {@link #lowerBound} is what reads
 * use as "now": a value is stamped with it before its computation starts, so a stamp is never later than the true
 * server time at that start, and a watermark after the stamp still makes the value stale (R6a holds, erring towards
 * stale). {@link Sample#slackMillis} is the width of the bound, for the checks that need the upper one (R14a: a value dated
 * after the server's now).
 * <p>
 * A sample older than {@code maxAge} is not used: the next read asks for {@code TIME} again. Clock rates differ by
 * parts per million, and the bound allows for a thousand; a step of the server's clock (NTP) is seen at the next sample, and
 * another server (a failover) once {@link #forget} dropped the sample.
 * <p>
 * Thread-safe, lock-free: a sample is immutable and replaced whole; a late, older sample may replace a newer one, and
 * both are valid bounds.
 */
public final class ServerClock {

    /** One {@code TIME} reply: the server's millis, read between {@code sentNanos} and {@code arrivedNanos}. */
    public record Sample(long serverMillis, long sentNanos, long arrivedNanos) {

        /** How far the server's true time may be past {@link ServerClock#lowerBound}: the round trip, rounded up. */
        public long slackMillis() {
            return TimeUnit.NANOSECONDS.toMillis(arrivedNanos - sentNanos + 999_999);
        }
    }

    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private volatile Sample sample;

    public ServerClock(long maxAgeNanos, LongSupplier nanoTime) {
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    /** The sample a read sent now can use instead of {@code TIME}, or {@code null} when there is none this recent. */
    public Sample fresh() {
        Sample s = sample;
        return s != null && nanoTime.getAsLong() - s.arrivedNanos < maxAgeNanos ? s : null;
    }

    /** Drops the sample (an operation failed: the server may have changed); the next read asks for {@code TIME}. */
    public void forget() {
        sample = null;
    }

    /** Records a {@code TIME} reply ({@code serverMillis}) to a request sent at {@code sentNanos}, arriving now. */
    public void record(long serverMillis, long sentNanos) {
        sample = new Sample(serverMillis, sentNanos, nanoTime.getAsLong());
    }

    /**
     * The server's time now by {@code s}, at the earliest: never after its true time. The time since the sample counts
     * 0.1 % short, more than any rate difference between the two clocks (NTP slews a clock by at most 0.05 %).
     */
    public long lowerBound(Sample s) {
        long elapsed = nanoTime.getAsLong() - s.arrivedNanos;
        return s.serverMillis + TimeUnit.NANOSECONDS.toMillis(elapsed - elapsed / 1000);
    }
}
