package io.quarkiverse.gcache.runtime;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.quarkiverse.gcache.runtime.layers.CacheTimer;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.layers.RemoteRead;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.smallrye.mutiny.Uni;

/**
 * The lease protocol of a REMOTE miss (reference: R21, R35): one caller in the fleet takes the key's lease and
 * computes; the others wait for its value as long as the computation is expected to take, never longer than
 * {@code local.wait-timeout}, and compute themselves when it does not come. Written once: the sync wait blocks between
 * polls, the reactive one polls on GCache's own timer (R28); both decide the same way at each poll.
 * <p>
 * Thread-safe; holds no lock. A {@link Outcome.Held} lease obliges its caller to end it: the store that follows the
 * method releases it after the write, a failed method releases it at once (it would also expire on its own).
 */
final class Leases {

    /** What asking for a lease ended with. */
    sealed interface Outcome {
        /** This caller holds the lease: it computes the value and stores it, which releases the lease. */
        record Held(RemoteLayer.Lease lease) implements Outcome {
        }

        /** Another caller's value arrived while this one waited: the read that found it. */
        record Arrived(RemoteRead read) implements Outcome {
        }

        /** No value came (the wait ended, the holder failed, or Redis did): compute without the lease. */
        record GaveUp() implements Outcome {
        }
    }

    private static final Outcome GAVE_UP = new Outcome.GaveUp();
    /** Suffix of a lease key: the value's key plus this, in the value's hash slot. */
    private static final String SUFFIX = "#lease";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final RemoteLayer remote;
    private final CacheTimer timer;
    private final long waitTimeoutNanos;
    /** The longest a sync caller waits for one REMOTE operation: a backstop behind its own bound (R28). */
    private final Duration backstop;
    /** This instance's lease value: who holds a lease, for someone reading Redis. */
    private final String token = "gcache-" + UUID.randomUUID() + ":";
    private final AtomicLong taken = new AtomicLong();

    Leases(RemoteLayer remote, CacheTimer timer, long waitTimeoutNanos, Duration backstop) {
        this.remote = remote;
        this.timer = timer;
        this.waitTimeoutNanos = waitTimeoutNanos;
        this.backstop = backstop;
    }

    /**
     * After a REMOTE miss ({@code missed}): takes the key's lease, or waits for the caller holding it to store the
     * value. Asking and waiting share one {@link #waitNanos}. Blocking: only for sync methods off the event loop.
     */
    Outcome await(UseCase uc, String fullKey, RemoteRead missed) {
        long deadline = System.nanoTime() + waitNanos(uc);
        RemoteLayer.Lease lease = newLease(uc, fullKey);
        try {
            if (remote.tryLease(lease, ttlMillis(uc)).await().atMost(backstop)) {
                return new Outcome.Held(lease);
            }
        } catch (Throwable t) {
            uc.remoteFailed(t);
            return GAVE_UP;
        }
        long old = missed.createdAt();
        while (true) {
            LockSupport.parkNanos(POLL_NANOS);
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                uc.disabled(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
                return GAVE_UP;
            }
            RemoteLayer.Polled polled;
            try {
                // bounded by what is left of the wait, not a full remote.timeout: the wait as a whole is one timeout
                polled = remote.poll(fullKey, ReadThrough.watermarkKey(uc, fullKey), lease.key()).await()
                        .atMost(Duration.ofNanos(left));
            } catch (io.smallrye.mutiny.TimeoutException e) {
                uc.disabled(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
                return GAVE_UP;
            } catch (Throwable t) {
                uc.remoteFailed(t);
                return GAVE_UP;
            }
            Outcome outcome = judge(polled, old);
            if (outcome != null) {
                return outcome;
            }
        }
    }

    /** {@link #await} without blocking: polls on GCache's timer; the caller hops back to its context. */
    Uni<Outcome> reactive(UseCase uc, String fullKey, RemoteRead missed) {
        long deadline = System.nanoTime() + waitNanos(uc);
        RemoteLayer.Lease lease = newLease(uc, fullKey);
        return remote.tryLease(lease, ttlMillis(uc)).onItemOrFailure().transformToUni((held, failure) -> {
            if (failure != null) {
                uc.remoteFailed(failure);
                return Uni.createFrom().item(GAVE_UP);
            }
            if (held) {
                return Uni.createFrom().item(new Outcome.Held(lease));
            }
            return poll(uc, fullKey, lease.key(), missed.createdAt(), deadline);
        });
    }

    private Uni<Outcome> poll(UseCase uc, String fullKey, String leaseKey, long old, long deadline) {
        // R28: both timers on GCache's own scheduler, not on the worker pool the callers may be holding
        return Uni.createFrom().voidItem().onItem().delayIt().onExecutor(timer.scheduler())
                .by(Duration.ofNanos(POLL_NANOS))
                .chain(() -> remote.poll(fullKey, ReadThrough.watermarkKey(uc, fullKey), leaseKey).ifNoItem()
                        .after(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).on(timer.scheduler()).fail())
                .onItemOrFailure().transformToUni((polled, failure) -> {
                    if (failure instanceof io.smallrye.mutiny.TimeoutException) {
                        uc.disabled(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
                        return Uni.createFrom().item(GAVE_UP);
                    }
                    if (failure != null) {
                        uc.remoteFailed(failure);
                        return Uni.createFrom().item(GAVE_UP);
                    }
                    Outcome outcome = judge(polled, old);
                    if (outcome != null) {
                        return Uni.createFrom().item(outcome);
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        uc.disabled(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
                        return Uni.createFrom().item(GAVE_UP);
                    }
                    return poll(uc, fullKey, leaseKey, old, deadline);
                });
    }

    /** One poll's verdict, the same for both waits: arrived, given up, or {@code null} to poll again. */
    private static Outcome judge(RemoteLayer.Polled polled, long oldCreatedAt) {
        if (arrived(polled.read(), oldCreatedAt)) {
            return new Outcome.Arrived(polled.read());
        }
        if (!polled.leaseHeld()) {
            return GAVE_UP; // the computation ended without a value (its method threw, or it was not stored)
        }
        return null;
    }

    /** Takes the key's lease for an early refresh; {@code null} when another caller holds it or Redis failed. */
    RemoteLayer.Lease tryTake(UseCase uc, String fullKey) {
        RemoteLayer.Lease lease = newLease(uc, fullKey);
        try {
            return remote.tryLease(lease, ttlMillis(uc)).await().atMost(backstop) ? lease : null;
        } catch (Throwable t) {
            uc.remoteFailed(t);
            return null;
        }
    }

    /** {@link #tryTake} without blocking: {@code null} when not taken; Redis failures counted, never thrown. */
    Uni<RemoteLayer.Lease> take(UseCase uc, String fullKey) {
        RemoteLayer.Lease lease = newLease(uc, fullKey);
        return remote.tryLease(lease, ttlMillis(uc)).onFailure().invoke(uc::remoteFailed).onFailure()
                .recoverWithItem(false).map(held -> held ? lease : null);
    }

    /**
     * A lease on {@code fullKey} with a token of its own: only this acquisition can end it. Its key is in the value's
     * hash slot: a tracked key's hash tag is the entity; an untracked key has none, so the whole key becomes the tag.
     */
    private RemoteLayer.Lease newLease(UseCase uc, String fullKey) {
        String key = uc.keys().tracked() ? fullKey + SUFFIX : "{" + fullKey + "}" + SUFFIX;
        return new RemoteLayer.Lease(key, token + taken.incrementAndGet());
    }

    /**
     * How long a caller that lost the lease waits for the holder's value (R35): as long as the computation is expected
     * to take, the lease's own TTL, never longer than {@code local.wait-timeout}. Not {@code remote.timeout}: that
     * bounds one Redis round trip, and the computations leases exist for are the slow ones.
     */
    private long waitNanos(UseCase uc) {
        return Math.min(waitTimeoutNanos, TimeUnit.MILLISECONDS.toNanos(ttlMillis(uc)));
    }

    /** Long enough for the method (twice its usual time), and at least a second; it also ends on release. */
    private static long ttlMillis(UseCase uc) {
        return Math.max(1000, 2 * TimeUnit.NANOSECONDS.toMillis(uc.methodNanos()));
    }

    /** Whether a read finds a value other than the one that missed (absent, or stale: the same bytes again). */
    static boolean arrived(RemoteRead read, long oldCreatedAt) {
        return read.oversizeDeleted() > 0 || (read.envelope() != null && read.createdAt() != oldCreatedAt);
    }
}
