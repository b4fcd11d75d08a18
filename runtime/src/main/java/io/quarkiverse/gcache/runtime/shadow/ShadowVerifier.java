package io.quarkiverse.gcache.runtime.shadow;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.layers.LocalEntry;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.scope.Detached;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.smallrye.mutiny.Uni;

/**
 * Shadow verification (reference rule R22): a drawn share of cache hits also runs the method, off the caller's path,
 * and compares the fresh result with the cached one by the serializer's bytes.
 * <p>
 * Guarantees: the caller's result is never changed and never waits: a blocking method runs on a worker thread, a
 * {@code Uni} or {@code CompletionStage} method is invoked and subscribed {@link Detached detached} from the caller (a
 * new duplicated context of its event loop, after the current task; a worker without one), so it shares none of the
 * caller's context state. At most one run per key at a time and at most {@code shadow.max-concurrent}
 * overall; a drawn hit beyond either bound is skipped and counted. The run sees no enable scope (nested cached calls
 * compute afresh) and gets a request context of its own when none is active. A mismatch deletes that key from REMOTE
 * and then from LOCAL (if it still holds the compared entry), so the next call recomputes it; the entity is not
 * invalidated, and other instances' LOCAL keeps its copy until it expires or their own shadow runs find it. A method that
 * throws, or a value that cannot be serialized, counts as {@code result=error} and is
 * logged rate-limited; nothing reaches the caller.
 * <p>
 * A run that has not ended after {@code shadow.timeout} is overdue: counted as {@code result=error}, logged, and its
 * slot (its key, its place under {@code max-concurrent}) is given to the next drawn hit; whatever it returns later is
 * ignored; a {@code Uni} or {@code CompletionStage} run is cancelled. A run does so only while fewer than
 * {@code max-concurrent} overdue runs are still running (a blocking one holds a worker thread, and so may a {@code Uni}
 * whose method blocks before returning it; a cancelled subscription ends at once), so hung methods hold at most twice
 * {@code max-concurrent} runs' resources; beyond that an overdue run keeps its slot, looks again a timeout later, and
 * is compared as usual if it ends first.
 */
public final class ShadowVerifier {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    private final RemoteLayer remote;
    private final ScheduledExecutorService worker;
    private final Semaphore permits;
    /** Overdue runs that gave their slot up and are still running. */
    private final Semaphore overduePermits;
    private final long timeoutNanos;
    private final FailureLog failures = new FailureLog("shadow verification");
    private final FailureLog mismatches = new FailureLog("shadow verification");

    /**
     * @param remote REMOTE, to delete a mismatched key; {@code null} without Redis
     * @param worker runs blocking methods and the runs' deadlines
     * @param maxConcurrent shadow runs at a time, over all use cases
     * @param timeout when a run is overdue
     */
    public ShadowVerifier(RemoteLayer remote, ScheduledExecutorService worker, int maxConcurrent, Duration timeout) {
        this.remote = remote;
        this.worker = worker;
        this.permits = new Semaphore(maxConcurrent);
        this.overduePermits = new Semaphore(maxConcurrent);
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Verifies one hit the use case's ramp drew ({@link UseCaseShadow#draw()}, checked by the caller so that a hit
     * without shadow verification costs no call). Returns at once.
     *
     * @param key the call's local key
     * @param layer the layer that served the hit (LOCAL or REMOTE)
     * @param cached the value the caller got
     * @param bornNanos when the cached value was computed, on {@link System#nanoTime()}'s scale
     * @param entry the LOCAL entry that served the hit, removed on a mismatch only if LOCAL still holds it; {@code null}
     *        for REMOTE hits
     */
    public void verify(ShadowedUseCase uc, InvocationContext ctx, String key, StatLayer layer, Object cached,
            long bornNanos, LocalEntry entry) {
        UseCaseShadow shadow = uc.shadow();
        if (!shadow.start(key)) {
            shadow.skip();
            return;
        }
        if (!permits.tryAcquire()) {
            shadow.end(key);
            shadow.skip();
            return;
        }
        Run run = new Run(uc, ctx, key, layer, cached, bornNanos, entry);
        try {
            run.scheduleDeadline();
            if (uc.kind() == MethodKind.SYNC) {
                worker.execute(run::blocking);
            } else {
                run.detached = Detached.start(worker, run::reactive, run::fail);
            }
        } catch (Throwable t) { // e.g. a rejected task at shutdown
            run.fail(t);
        }
    }

    /**
     * A run's deadline task. Cancelled tasks stay in the scheduler's queue until their time: this holder, not the run
     * (its values, its invocation context), is what they keep.
     */
    private static final class Deadline implements Runnable {
        private volatile Run run;
        volatile ScheduledFuture<?> future;

        Deadline(Run run) {
            this.run = run;
        }

        @Override
        public void run() {
            Run r = run;
            if (r != null) {
                r.overdue();
            }
        }

        void cancel() {
            run = null;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private static final int RUNNING = 0;
    private static final int RESULT = 1;
    private static final int OVERDUE = 2;
    private static final int OVERDUE_ENDED = 3;

    private final class Run {
        final ShadowedUseCase uc;
        final InvocationContext ctx;
        final String key;
        final StatLayer layer;
        final Object cached;
        final long bornNanos;
        final LocalEntry entry;
        /**
         * {@link #RUNNING} until either its result (or failure) or its deadline comes first: that one owns the run's
         * slot (its key, a permit) and gives it back.
         */
        final AtomicInteger state = new AtomicInteger(RUNNING);
        /** The slot is given back once, however the owner's path ends (a second {@link #end} is ignored). */
        final AtomicBoolean slotGivenBack = new AtomicBoolean();
        volatile Deadline deadline;
        /** A {@code Uni} or {@code CompletionStage} run's subscription, cancelled when it is overdue. */
        volatile Detached.Handle detached;

        Run(ShadowedUseCase uc, InvocationContext ctx, String key, StatLayer layer, Object cached, long bornNanos,
                LocalEntry entry) {
            this.uc = uc;
            this.ctx = ctx;
            this.key = key;
            this.layer = layer;
            this.cached = cached;
            this.bornNanos = bornNanos;
            this.entry = entry;
        }

        void blocking() {
            ManagedContext requestContext = null;
            boolean activated = false;
            try (GCache.Scope off = EnableScopes.open(false)) {
                requestContext = Arc.container().requestContext();
                activated = !requestContext.isActive();
                if (activated) {
                    requestContext.activate();
                }
                compare(ctx.proceed());
            } catch (Throwable t) {
                fail(t);
            } finally {
                if (activated) {
                    requestContext.terminate();
                }
            }
        }

        /** The method's result, compared when it arrives; runs {@link Detached} (own context, no scope). */
        Uni<?> reactive() {
            return uc.invokeReactive(ctx).invoke(this::compare)
                    .onCancellation().invoke(() -> fail(new IllegalStateException("cancelled")));
        }

        void compare(Object fresh) {
            if (!ownResult()) {
                return;
            }
            try {
                long age = System.nanoTime() - bornNanos;
                boolean same = Arrays.equals(uc.serializer().serialize(cached, uc.valueType()),
                        uc.serializer().serialize(fresh, uc.valueType()));
                UseCaseShadow.Result result = same ? UseCaseShadow.Result.MATCH : UseCaseShadow.Result.MISMATCH;
                uc.shadow().record(layer, result, age);
                uc.meters().shadowAge(layer, same, age);
                if (same) {
                    end();
                } else {
                    invalidate(age); // ends the run once the key is gone: no second run compares the same stale value
                }
            } catch (Throwable t) {
                failOwned(t);
            }
        }

        void fail(Throwable t) {
            if (ownResult()) {
                failOwned(t);
            }
        }

        private void failOwned(Throwable t) {
            try {
                uc.shadow().record(layer, UseCaseShadow.Result.ERROR, 0);
                failures.logMessage("use case " + uc.name() + ": the shadow run failed; its caller was not affected", t);
            } finally {
                end();
            }
        }

        /**
         * Whether this result is the run's to record: it came before the deadline. A late one only ends the run's
         * overdue state.
         */
        private boolean ownResult() {
            if (state.compareAndSet(RUNNING, RESULT)) {
                Deadline d = deadline;
                if (d != null) {
                    d.cancel();
                }
                return true;
            }
            if (state.compareAndSet(OVERDUE, OVERDUE_ENDED)) {
                overduePermits.release();
            }
            return false;
        }

        void scheduleDeadline() {
            Deadline d = new Deadline(this);
            deadline = d;
            d.future = worker.schedule(d, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        /**
         * The deadline: gives the slot up if few enough overdue runs still hold what they hold (a thread, or the state
         * of a subscription that never ends), else looks again later.
         */
        void overdue() {
            if (!overduePermits.tryAcquire()) {
                if (state.get() == RUNNING) {
                    scheduleDeadline();
                    if (state.get() != RUNNING) { // its result came meanwhile and cancelled the previous deadline
                        deadline.cancel();
                    }
                }
                return;
            }
            if (!state.compareAndSet(RUNNING, OVERDUE)) {
                overduePermits.release(); // its result came first
                return;
            }
            end(); // first: once the error is counted, the slot is free for the next drawn hit
            try {
                uc.shadow().record(layer, UseCaseShadow.Result.ERROR, 0);
                failures.logMessage("use case " + uc.name() + ": a shadow run of " + key + " did not end within "
                        + Duration.ofNanos(timeoutNanos) + "; its slot goes to the next drawn hit",
                        new java.util.concurrent.TimeoutException("shadow.timeout"));
            } finally {
                Detached.Handle d = detached;
                if (d != null) {
                    d.cancel(); // its cancellation (or its end, if the method blocks first) gives the overdue permit back
                }
            }
        }

        /** LOCAL's entry, if it is still the compared one (a LOCAL hit) or came from the compared REMOTE value. */
        private void dropLocal() {
            if (entry != null) {
                uc.localLayer().remove(key, entry);
            } else {
                uc.localLayer().remove(key);
            }
        }

        /** Gives the slot back, by the result or the deadline that owns the run; once. */
        private void end() {
            if (slotGivenBack.compareAndSet(false, true)) {
                try {
                    uc.shadow().end(key);
                } finally {
                    permits.release();
                }
            }
        }

        private void invalidate(long ageNanos) {
            String fullKey = uc.keys().fullKey(key);
            if (remote == null) {
                try {
                    dropLocal();
                } finally {
                    end();
                }
            } else {
                // REMOTE first, LOCAL once it is gone: a LOCAL miss in between would refill LOCAL from REMOTE's copy
                remote.delete(fullKey).subscribe().with(n -> {
                    try {
                        dropLocal();
                    } finally {
                        end();
                    }
                }, t -> {
                    try {
                        dropLocal();
                        LOG.debugf("GCache could not delete %s after a shadow mismatch: %s", fullKey, t);
                    } finally {
                        end();
                    }
                });
            }
            mismatches.logMessage("use case " + uc.name() + ": the cached value of " + fullKey + " (" + layer + ", "
                    + ageNanos / 1_000_000 + " ms old) differs from the method's result; the key was deleted",
                    new IllegalStateException("mismatch"));
        }
    }
}
