package io.quarkiverse.gcache.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rate-limited failure logging (reference R10): at most one line per kind of failure every 10 s, saying how many
 * were suppressed; on an injected clock, with the lines captured from the {@code io.quarkiverse.gcache} logger.
 */
class FailureLogTest {

    static final long INTERVAL = FailureLog.INTERVAL_NANOS;

    final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(3));
    final FailureLog log = new FailureLog("REMOTE layer", now::get);
    final List<String> lines = new CopyOnWriteArrayList<>();
    // held strongly so the logger (and the handler on it) is the one FailureLog writes to for the whole test
    final Logger logger = Logger.getLogger("io.quarkiverse.gcache");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                lines.add(r instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                        : r.getParameters() == null ? r.getMessage() : MessageFormat.format(r.getMessage(), r.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // the lines are asserted, not printed
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    void advance(long nanos) {
        now.addAndGet(nanos);
    }

    static IOException failure(int n) {
        return new IOException("connection refused #" + n);
    }

    @Test
    void theFirstFailureIsLoggedAtOnceNamingWhatFailedAndTheFallback() {
        log.log("GetUser", failure(1));
        assertThat(lines).containsExactly("GCache REMOTE layer failed for use case GetUser; the call fell back to the "
                + "method (java.io.IOException: connection refused #1)");
    }

    @Test
    void furtherFailuresWithinTheIntervalAreCountedNotLogged() {
        log.log("GetUser", failure(1));
        for (int i = 2; i <= 100; i++) {
            advance(INTERVAL / 200);
            log.log("GetUser", failure(i));
        }
        assertThat(lines).hasSize(1);
    }

    @Test
    void theNextLineComesAfterTheIntervalAndSaysHowManyWereSuppressed() {
        log.log("GetUser", failure(1));
        log.log("GetUser", failure(2));
        log.log("GetUser", failure(3));
        advance(INTERVAL - 1);
        log.log("GetUser", failure(4));
        assertThat(lines).hasSize(1);
        advance(1);
        log.log("GetUser", failure(5));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("(java.io.IOException: connection refused #5) [3 similar failures not logged]");
    }

    @Test
    void theSuppressedCountStartsAgainAfterEachLine() {
        log.log("GetUser", failure(1));
        log.log("GetUser", failure(2));
        advance(INTERVAL);
        log.log("GetUser", failure(3));
        advance(INTERVAL);
        log.log("GetUser", failure(4));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).endsWith("[1 similar failures not logged]");
        assertThat(lines.get(2)).doesNotContain("not logged");
    }

    /** The interval restarts at each line, not on a fixed grid. */
    @Test
    void theIntervalCountsFromTheLastLine() {
        log.log("GetUser", failure(1));
        advance(3 * INTERVAL);
        log.log("GetUser", failure(2));
        advance(INTERVAL - 1);
        log.log("GetUser", failure(3));
        assertThat(lines).hasSize(2);
    }

    @Test
    void logMessageSharesTheRateLimitOfItsKind() {
        log.logMessage("watermark write failed for {urn:user_id:7}", failure(1));
        log.log("GetUser", failure(2));
        log.logMessage("watermark write failed for {urn:user_id:8}", failure(3));
        assertThat(lines).containsExactly(
                "GCache REMOTE layer: watermark write failed for {urn:user_id:7} (java.io.IOException: connection refused #1)");
        advance(INTERVAL);
        log.logMessage("outbox full", failure(4));
        assertThat(lines.get(1)).isEqualTo(
                "GCache REMOTE layer: outbox full (java.io.IOException: connection refused #4) [2 similar failures not logged]");
    }

    /** One kind of failure flooding the log must not hide another kind. */
    @Test
    void eachKindHasItsOwnLimit() {
        FailureLog codec = new FailureLog("value serialization", now::get);
        log.log("GetUser", failure(1));
        log.log("GetUser", failure(2));
        codec.log("GetUser", new IllegalArgumentException("bad json"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("GCache value serialization failed for use case GetUser")
                .doesNotContain("not logged");
    }

    /** The readiness check reports the latest failure, logged or not. */
    @Test
    void lastRemembersEveryFailureEvenSuppressedOnes() {
        log.log("GetUser", failure(1));
        log.log("GetPosts", failure(2));
        assertThat(lines).hasSize(1);
        assertThat(FailureLog.last()).endsWith(" REMOTE layer (GetPosts): java.io.IOException: connection refused #2");
        log.logMessage("outbox full", failure(3));
        assertThat(FailureLog.last()).endsWith(" REMOTE layer (outbox full): java.io.IOException: connection refused #3");
    }

    /** Many threads failing at the same instant: one line, and every other failure is counted. */
    @Test
    void concurrentFailuresGiveOneLineAndAnExactCount() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<?>[] done = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                int n = t;
                done[t] = CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < 100; i++) {
                        log.log("GetUser", failure(n));
                    }
                }, pool);
            }
            start.countDown();
            CompletableFuture.allOf(done).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(lines).hasSize(1);
        advance(INTERVAL);
        log.log("GetUser", failure(0));
        assertThat(lines.get(1)).endsWith("[" + (threads * 100 - 1) + " similar failures not logged]");
    }

    /** The clock is compared by difference, so a nanoTime near overflow behaves like any other. */
    @Test
    void survivesClockOverflow() {
        now.set(Long.MAX_VALUE - INTERVAL / 2);
        log.log("GetUser", failure(1));
        advance(1); // the end of the interval is past Long.MAX_VALUE, now is not yet
        log.log("GetUser", failure(2));
        assertThat(lines).hasSize(1);
        advance(INTERVAL - 2); // both past it
        log.log("GetUser", failure(3));
        assertThat(lines).hasSize(1);
        advance(1);
        log.log("GetUser", failure(4));
        assertThat(lines).hasSize(2);
    }
}
