package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Bounds every REMOTE operation by {@code remote.timeout} with one shared sweep, instead of a scheduled task per
 * operation (Mutiny's {@code ifNoItem().after()} queues one timer per call; cancelled ones stay queued until their
 * time, which at 50,000 reads per second is about 12,000 live timers, each inserted under the scheduler's lock).
 * <p>
 * Every operation has the same timeout, so operations expire in the order they started: a FIFO queue is already
 * ordered by deadline. A sweep every {@code tick} drops finished operations from the head and fails the expired
 * ones, cancelling them upstream. An operation therefore fails between its deadline and one tick after it.
 * <p>
 * Concurrency: lock-free. Exactly one of item, failure, timeout or downstream cancellation ends an operation; the
 * others are ignored. The sweep runs on one scheduler thread at a time.
 */
public final class OperationTimeouts {

    private final long timeoutNanos;
    private final long tickNanos;
    private final LongSupplier clock;
    private final Supplier<? extends Throwable> timeoutFailure;
    private final ConcurrentLinkedQueue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicReference<ScheduledFuture<?>> sweeper = new AtomicReference<>();
    private final ScheduledExecutorService scheduler;
    private final Executor delivery;

    /**
     * @param scheduler runs the sweep and delivers expirations; {@code null} when the owner calls {@link #sweep()}
     *        itself (tests)
     */
    public OperationTimeouts(long timeoutNanos, long tickNanos, LongSupplier clock,
            Supplier<? extends Throwable> timeoutFailure, ScheduledExecutorService scheduler) {
        this(timeoutNanos, tickNanos, clock, timeoutFailure, scheduler, scheduler);
    }

    /**
     * @param scheduler runs the sweep; never the pool the callers hold (R28: {@link CacheTimer})
     * @param delivery fails the expired operations, so that their callers' fallbacks do not run on the sweep
     */
    public OperationTimeouts(long timeoutNanos, long tickNanos, LongSupplier clock,
            Supplier<? extends Throwable> timeoutFailure, ScheduledExecutorService scheduler, Executor delivery) {
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = tickNanos;
        this.clock = clock;
        this.timeoutFailure = timeoutFailure;
        this.scheduler = scheduler;
        this.delivery = delivery;
    }

    /** The tick for a timeout: a tenth of it, between 1 and 20 ms (at most 8 % late for the 250 ms default). */
    public static long tickFor(long timeoutNanos) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(timeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(20)));
    }

    /** {@code operation}, failed with the timeout failure if it has not ended within the timeout. */
    public <T> Uni<T> bound(Uni<T> operation) {
        return Uni.createFrom().emitter(emitter -> {
            Pending<T> p = new Pending<>(clock.getAsLong() + timeoutNanos, emitter);
            pending.add(p);
            startSweeping();
            Cancellable upstream = operation.subscribe().with(item -> {
                if (p.end()) {
                    emitter.complete(item);
                }
            }, failure -> {
                if (p.end()) {
                    emitter.fail(failure);
                }
            });
            p.upstream = upstream;
            if (p.isEnded()) {
                // ended (by the sweep, or by an item delivered during subscribe) before the upstream was known:
                // cancelling a completed subscription does nothing, cancelling an expired one stops it
                upstream.cancel();
            }
            emitter.onTermination(() -> {
                if (p.end()) { // cancelled downstream
                    upstream.cancel();
                }
            });
        });
    }

    /** Fails the operations past their deadline; returns how many. */
    public int sweep() {
        long now = clock.getAsLong();
        int expired = 0;
        Pending<?> head;
        while ((head = pending.peek()) != null) {
            if (!head.isEnded() && now - head.deadline < 0) {
                break;
            }
            pending.poll(); // one sweep at a time (a single scheduled task), so this is head
            if (head.end()) {
                expired++;
                // The caller's fallback runs downstream of fail(): on the delivery pool, not on this sweep, so a
                // slow fallback cannot hold back the timeouts of other operations.
                Pending<?> expiredOp = head;
                Throwable failure = timeoutFailure.get();
                if (delivery == null) {
                    expiredOp.emitter.fail(failure);
                } else {
                    delivery.execute(() -> expiredOp.emitter.fail(failure));
                }
                Cancellable upstream = expiredOp.upstream;
                if (upstream != null) {
                    upstream.cancel();
                }
            }
        }
        return expired;
    }

    /** Operations started and not yet swept away (finished ones leave at the next sweep). */
    public int queued() {
        return pending.size();
    }

    /** Stops the sweep (at shutdown). */
    public void close() {
        ScheduledFuture<?> s = sweeper.getAndSet(null);
        if (s != null) {
            s.cancel(false);
        }
    }

    private void startSweeping() {
        if (scheduler == null || sweeper.get() != null) {
            return;
        }
        synchronized (sweeper) {
            if (sweeper.get() == null) {
                sweeper.set(scheduler.scheduleAtFixedRate(this::sweepQuietly, tickNanos, tickNanos,
                        TimeUnit.NANOSECONDS));
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (Throwable t) {
            // anything thrown here would cancel the periodic task for good, and operations would lose their bound
        }
    }

    private static final class Pending<T> extends AtomicBoolean {
        final long deadline;
        final UniEmitter<? super T> emitter;
        volatile Cancellable upstream;

        Pending(long deadline, UniEmitter<? super T> emitter) {
            this.deadline = deadline;
            this.emitter = emitter;
        }

        /** Ends the operation; {@code true} for the one caller that did. */
        boolean end() {
            return compareAndSet(false, true);
        }

        boolean isEnded() {
            return get();
        }
    }
}
