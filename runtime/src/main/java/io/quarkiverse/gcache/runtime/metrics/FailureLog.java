package io.quarkiverse.gcache.runtime.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Rate-limited logging of cache failures (reference R10): at most one line per {@link #INTERVAL_NANOS} per kind of
 * failure, saying how many were suppressed since the last line. A Redis outage under load thus produces a bounded
 * number of lines per minute, each naming what failed and that the call fell back.
 */
public final class FailureLog {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    /** The latest failure of any kind, for the readiness check: when, what, and the failure's one-line form. */
    private static volatile String last;

    private final String what;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder suppressed = new LongAdder();
    private final LongSupplier clock;

    public FailureLog(String what) {
        this(what, System::nanoTime);
    }

    /** @param clock nanoseconds, compared by difference like {@link System#nanoTime()} */
    FailureLog(String what, LongSupplier clock) {
        this.what = what;
        this.clock = clock;
    }

    /** The latest failure logged or suppressed, or {@code null}. */
    public static String last() {
        return last;
    }

    private void remember(String subject, Throwable failure) {
        last = java.time.Instant.now() + " " + what + " (" + subject + "): " + failure;
    }

    public void log(String useCase, Throwable failure) {
        remember(useCase, failure);
        if (allowed()) {
            long skipped = suppressed.sumThenReset();
            LOG.warnf("GCache %s failed for use case %s; the call fell back to the method (%s)%s", what, useCase,
                    String.valueOf(failure), skipped(skipped));
            if (LOG.isDebugEnabled()) {
                LOG.debug("GCache failure detail", failure);
            }
        }
    }

    /** Logs {@code message} (with the failure's one-line form) at most once per interval. */
    public void logMessage(String message, Throwable failure) {
        remember(message, failure);
        if (allowed()) {
            long skipped = suppressed.sumThenReset();
            LOG.warnf("GCache %s: %s (%s)%s", what, message, String.valueOf(failure), skipped(skipped));
        }
    }

    private boolean allowed() {
        long now = clock.getAsLong();
        long next = nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.increment();
            return false;
        }
        return true;
    }

    private static String skipped(long n) {
        return n == 0 ? "" : " [" + n + " similar failures not logged]";
    }
}
