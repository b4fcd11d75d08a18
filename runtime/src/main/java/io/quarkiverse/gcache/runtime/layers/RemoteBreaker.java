package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Skips the REMOTE layer while Redis is failing (reference rule R10, disabled reason {@code server_down}).
 * <p>
 * States: <em>closed</em> (every call may use Redis), <em>open</em> (no call may, for a pause), <em>half-open</em>
 * (after the pause exactly one call, the probe, may). {@value #THRESHOLD} consecutive failures open it; the probe's
 * success closes it, its failure opens it for another pause.
 * <p>
 * Guarantees (R10a): use of Redis is granted as a {@link Permit}, and only the holder of the probe permit can end
 * the half-open state. A probe permit that is lost without an outcome (a bug, or a cancelled subscription nobody
 * reported) cannot wedge the breaker: after {@code probeDeadline} another call may probe. So REMOTE always comes
 * back by itself once Redis answers.
 * <p>
 * Concurrency: lock-free. While closed, {@link #tryAcquire()} reads one volatile field and returns a shared
 * permit (no allocation); outcomes of closed-state permits touch an atomic counter only when it is not already 0.
 * Outcomes of calls that were granted before the breaker opened are counted as ordinary failures/successes; only
 * the probe's outcome moves the breaker out of half-open.
 */
public final class RemoteBreaker {

    static final int THRESHOLD = 5;

    private final long pauseNanos;
    private final long probeDeadlineNanos;
    private final LongSupplier clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** {@code 0} when no probe is out, else the clock reading when it was granted (never 0 in practice). */
    private final AtomicLong probeSince = new AtomicLong();
    private final Permit closedPermit = new Permit(false);
    private volatile boolean open;
    private volatile long openUntil;

    /**
     * @param pauseMillis how long the breaker stays open before it lets a probe through
     * @param probeDeadlineMillis after this long without an outcome a probe is presumed lost and another may start
     * @param clock nanosecond clock ({@code System::nanoTime} in production; tests inject their own)
     */
    public RemoteBreaker(long pauseMillis, long probeDeadlineMillis, LongSupplier clock) {
        this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMillis);
        this.probeDeadlineNanos = TimeUnit.MILLISECONDS.toNanos(probeDeadlineMillis);
        this.clock = clock;
    }

    /**
     * A permit to use Redis for one operation, or {@code null} when the breaker is open (the caller skips REMOTE
     * and counts {@code server_down}). The holder must report exactly one of {@link Permit#success()},
     * {@link Permit#failure()} or {@link Permit#release()}; later reports are ignored.
     */
    public Permit tryAcquire() {
        if (!open) {
            return closedPermit;
        }
        long now = clock.getAsLong();
        if (now - openUntil < 0) {
            return null;
        }
        long since = probeSince.get();
        if (since != 0 && now - since < probeDeadlineNanos) {
            return null; // a probe is out and not overdue
        }
        long stamp = now == 0 ? 1 : now;
        return probeSince.compareAndSet(since, stamp) ? new Permit(true) : null;
    }

    /** Whether calls are currently refused or limited to a probe. */
    public boolean isOpen() {
        return open;
    }

    private void onSuccess(boolean probe) {
        if (probe || open) {
            // Redis answered: whatever the state, it is reachable again.
            consecutiveFailures.set(0);
            open = false;
            probeSince.set(0);
        } else if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    private void onFailure(boolean probe) {
        if (consecutiveFailures.incrementAndGet() >= THRESHOLD || probe) {
            openUntil = clock.getAsLong() + pauseNanos;
            open = true;
            if (probe) {
                probeSince.set(0);
            }
        }
    }

    private void onRelease(boolean probe) {
        if (probe) {
            probeSince.set(0); // no verdict: the next call after the pause may probe at once
        }
    }

    /**
     * The right to use Redis for one operation. Report its outcome once; the shared closed-state permit accepts
     * any number of reports (each is the outcome of a different call).
     */
    public final class Permit {
        private final boolean probe;
        private final AtomicInteger reported;

        private Permit(boolean probe) {
            this.probe = probe;
            this.reported = probe ? new AtomicInteger() : null;
        }

        public boolean isProbe() {
            return probe;
        }

        public void success() {
            if (first()) {
                onSuccess(probe);
            }
        }

        public void failure() {
            if (first()) {
                onFailure(probe);
            }
        }

        /** The operation ended without telling whether Redis works (cancelled before an answer). */
        public void release() {
            if (first()) {
                onRelease(probe);
            }
        }

        private boolean first() {
            return reported == null || reported.compareAndSet(0, 1);
        }
    }
}
