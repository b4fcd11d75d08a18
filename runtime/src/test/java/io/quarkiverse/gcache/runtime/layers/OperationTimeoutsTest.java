package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/** Reference R10: every REMOTE operation is bounded by {@code remote.timeout}; here on an injected clock. */
class OperationTimeoutsTest {

    static final long TIMEOUT = 250;
    static final IllegalStateException TIMED_OUT = new IllegalStateException("timed out");

    final AtomicLong now = new AtomicLong(1_000);
    final OperationTimeouts timeouts = new OperationTimeouts(TIMEOUT, 10, now::get, () -> TIMED_OUT, null);

    /** An operation that ends only when the test says so, and records whether it was cancelled. */
    static final class Controlled {
        final AtomicReference<UniEmitter<? super String>> emitter = new AtomicReference<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final Uni<String> uni = Uni.createFrom().<String> emitter(emitter::set).onCancellation()
                .invoke(() -> cancelled.set(true));
    }

    /** What a subscriber of the bounded operation saw. */
    static final class Outcome {
        final AtomicReference<String> item = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Cancellable subscription;

        Outcome(Uni<String> uni) {
            subscription = uni.subscribe().with(item::set, failure::set);
        }
    }

    @Test
    void anOperationWithoutAnswerFailsOnceItsDeadlineHasPassedAndIsCancelledUpstream() {
        Controlled op = new Controlled();
        Outcome outcome = new Outcome(timeouts.bound(op.uni));
        now.addAndGet(TIMEOUT - 1);
        assertThat(timeouts.sweep()).isZero();
        assertThat(outcome.failure.get()).isNull();
        now.addAndGet(1);
        assertThat(timeouts.sweep()).isEqualTo(1);
        assertThat(outcome.failure.get()).isSameAs(TIMED_OUT);
        assertThat(op.cancelled).isTrue();
        // a late answer is ignored: the caller already has its outcome
        op.emitter.get().complete("late");
        assertThat(outcome.item.get()).isNull();
        assertThat(timeouts.queued()).isZero();
    }

    @Test
    void anAnswerBeforeTheDeadlineIsDeliveredAndTheSweepOnlyForgetsIt() {
        Controlled op = new Controlled();
        Outcome outcome = new Outcome(timeouts.bound(op.uni));
        op.emitter.get().complete("value");
        assertThat(outcome.item.get()).isEqualTo("value");
        assertThat(timeouts.queued()).isEqualTo(1);
        now.addAndGet(10 * TIMEOUT);
        assertThat(timeouts.sweep()).isZero();
        assertThat(outcome.failure.get()).isNull();
        assertThat(op.cancelled).isFalse();
        assertThat(timeouts.queued()).isZero();
    }

    @Test
    void aFailureBeforeTheDeadlineIsPassedOnUnchanged() {
        Controlled op = new Controlled();
        Outcome outcome = new Outcome(timeouts.bound(op.uni));
        IllegalArgumentException refused = new IllegalArgumentException("connection refused");
        op.emitter.get().fail(refused);
        now.addAndGet(TIMEOUT);
        timeouts.sweep();
        assertThat(outcome.failure.get()).isSameAs(refused);
    }

    @Test
    void cancellingDownstreamCancelsTheOperationAndNoTimeoutFollows() {
        Controlled op = new Controlled();
        Outcome outcome = new Outcome(timeouts.bound(op.uni));
        outcome.subscription.cancel();
        assertThat(op.cancelled).isTrue();
        now.addAndGet(TIMEOUT);
        assertThat(timeouts.sweep()).isZero();
        assertThat(outcome.failure.get()).isNull();
    }

    @Test
    void oneSweepForgetsEveryFinishedOperationAheadOfTheFirstPendingOne() {
        for (int i = 0; i < 1000; i++) {
            timeouts.bound(Uni.createFrom().item("v")).subscribe().with(v -> {
            });
        }
        Controlled slow = new Controlled();
        Outcome outcome = new Outcome(timeouts.bound(slow.uni));
        now.addAndGet(1);
        Controlled later = new Controlled();
        new Outcome(timeouts.bound(later.uni));
        assertThat(timeouts.queued()).isEqualTo(1002);
        assertThat(timeouts.sweep()).isZero();
        assertThat(timeouts.queued()).isEqualTo(2);
        now.addAndGet(TIMEOUT - 1); // the slow one's deadline, not yet the later one's
        assertThat(timeouts.sweep()).isEqualTo(1);
        assertThat(outcome.failure.get()).isSameAs(TIMED_OUT);
        assertThat(later.cancelled).isFalse();
        assertThat(timeouts.queued()).isEqualTo(1);
    }

    /** A caller's fallback runs downstream of the timeout: on the scheduler's pool, never on the sweeping thread. */
    @Test
    void anExpiredOperationIsFailedOnTheSchedulerNotOnTheSweep() throws Exception {
        java.util.concurrent.ScheduledExecutorService pool = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> new Thread(r, "timeouts-pool"));
        try {
            // a tick of an hour: the periodic sweep never runs by itself here; the test sweeps
            OperationTimeouts withPool = new OperationTimeouts(TIMEOUT, 3_600_000_000_000L, now::get, () -> TIMED_OUT,
                    pool);
            Controlled op = new Controlled();
            AtomicReference<String> failedOn = new AtomicReference<>();
            java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
            withPool.bound(op.uni).subscribe().with(item -> {
            }, failure -> {
                failedOn.set(Thread.currentThread().getName());
                failed.countDown();
            });
            now.addAndGet(TIMEOUT);
            assertThat(withPool.sweep()).isEqualTo(1);
            assertThat(failed.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(failedOn.get()).isEqualTo("timeouts-pool");
            assertThat(op.cancelled).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theTickIsATenthOfTheTimeoutBetweenOneAndTwentyMilliseconds() {
        assertThat(OperationTimeouts.tickFor(250_000_000L)).isEqualTo(20_000_000L);
        assertThat(OperationTimeouts.tickFor(100_000_000L)).isEqualTo(10_000_000L);
        assertThat(OperationTimeouts.tickFor(5_000_000L)).isEqualTo(1_000_000L);
    }
}
