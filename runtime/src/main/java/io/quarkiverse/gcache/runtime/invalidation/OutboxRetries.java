package io.quarkiverse.gcache.runtime.invalidation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.quarkiverse.gcache.runtime.invalidation.InvalidationOutbox.Pending;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Writes the watermarks waiting in the {@link InvalidationOutbox} (reference rules R18, R33). Every entity is retried on
 * its own: a write that fails (its slot on a dead master of a Redis Cluster, a timeout) delays no other entity.
 * <ul>
 * <li>Each round (every {@link Invalidator#RETRY_MILLIS} ms) queues every waiting entity that is not being written, those
 * that never failed first, then by failures and age. At most {@value #CONCURRENCY} writes are under way at a time, and
 * when one ends the next starts at once, so a round drains the outbox as fast as Redis takes it.</li>
 * <li>Entities that failed before take at most half of those writes, so that writes of other entities always find room
 * even while every write to one master hangs until its timeout.</li>
 * <li>While no write has succeeded for a while (Redis is down as a whole), a round tries only one entity that failed
 * before, as a probe, instead of sending every one of them to a Redis that refuses them; the first success lets the
 * others follow in the same round.</li>
 * </ul>
 * The queue and the counters are guarded by this object's lock, held only to pick the next entity; writes start and
 * end outside it. A write that ends at once (e.g. refused) does not nest: the loop that started it picks the next one.
 */
final class OutboxRetries {

    /** Watermarks written at once. */
    static final int CONCURRENCY = 16;
    /** A success this recent means Redis answers: entities that failed before are all retried. */
    private static final long ANSWERING_NANOS = TimeUnit.MILLISECONDS.toNanos(2 * Invalidator.RETRY_MILLIS);

    private static final Comparator<Pending> ORDER = Comparator.<Pending> comparingInt(p -> p.failures)
            .thenComparingLong(p -> p.sinceNanos);

    private final InvalidationOutbox outbox;
    /** Writes one entity's watermark (and does what follows a successful write); the outbox entry is left to this. */
    private final Function<Pending, Uni<Void>> write;
    private final LongSupplier clock;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private int failedInFlight;
    /** Entities that failed before which this round may still try while Redis answers nothing. */
    private int probes;
    private boolean pumping;
    private boolean pumpAgain;
    private volatile long lastSuccessNanos;
    private volatile boolean succeededOnce;

    OutboxRetries(InvalidationOutbox outbox, Function<Pending, Uni<Void>> write, LongSupplier clock) {
        this.outbox = outbox;
        this.write = write;
        this.clock = clock;
    }

    /** One round: queues what waits (entries older than {@code maxAgeNanos} are dropped) and starts writing. */
    void round(long maxAgeNanos) {
        List<Pending> due = outbox.due(maxAgeNanos);
        if (due.isEmpty()) {
            return;
        }
        synchronized (this) {
            due.removeIf(p -> p.inFlight);
            due.sort(ORDER);
            queue.clear();
            queue.addAll(due);
            probes = 1;
        }
        pump();
    }

    /** Starts writes while there is room and something to write; see the class comment for the order. */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                pumpAgain = true; // the loop below picks up what the caller freed
                return;
            }
            pumping = true;
        }
        while (true) {
            Pending p;
            boolean failedBefore;
            synchronized (this) {
                p = next();
                if (p == null) {
                    if (pumpAgain) {
                        pumpAgain = false;
                        continue;
                    }
                    pumping = false;
                    return;
                }
                failedBefore = p.failures > 0;
                p.inFlight = true;
                inFlight++;
                if (failedBefore) {
                    failedInFlight++;
                }
            }
            attempt(p, failedBefore);
        }
    }

    /** The next entity to write, or {@code null}; under the lock. */
    private Pending next() {
        if (inFlight >= CONCURRENCY) {
            return null;
        }
        Pending p;
        while ((p = queue.peekFirst()) != null) {
            if (p.inFlight || !outbox.isCurrent(p)) {
                queue.pollFirst(); // written, expired or replaced since the round began
                continue;
            }
            if (p.failures > 0) { // the queue is sorted: every entity after this one failed before too
                if (failedInFlight >= CONCURRENCY / 2) {
                    return null;
                }
                if (!answering()) {
                    if (probes == 0) {
                        return null;
                    }
                    probes--;
                }
            }
            return queue.pollFirst();
        }
        return null;
    }

    private boolean answering() {
        return succeededOnce && clock.getAsLong() - lastSuccessNanos < ANSWERING_NANOS;
    }

    private void attempt(Pending p, boolean failedBefore) {
        Uni<Void> written;
        try {
            written = write.apply(p);
        } catch (RuntimeException e) {
            written = Uni.createFrom().failure(e);
        }
        written.subscribe().with(ok -> ended(p, failedBefore, true), failure -> ended(p, failedBefore, false));
    }

    private void ended(Pending p, boolean failedBefore, boolean success) {
        if (success) {
            lastSuccessNanos = clock.getAsLong();
            succeededOnce = true;
        }
        synchronized (this) {
            p.inFlight = false;
            if (!success) {
                p.failures++;
            }
            inFlight--;
            if (failedBefore) {
                failedInFlight--;
            }
        }
        pump();
    }

    /**
     * The last try at shutdown (R33): every waiting entity once, {@value #CONCURRENCY} at a time, whatever failed
     * before, within {@code budget}; writes still under way then are cancelled. Never fails.
     */
    Uni<Void> lastTry(Duration budget) {
        List<Pending> all = outbox.snapshot();
        all.sort(ORDER);
        return Multi.createFrom().iterable(all)
                .onItem().transformToUni(p -> {
                    try {
                        return write.apply(p).onFailure().recoverWithNull();
                    } catch (RuntimeException e) {
                        return Uni.createFrom().voidItem();
                    }
                }).merge(CONCURRENCY)
                .collect().last().replaceWithVoid()
                .ifNoItem().after(budget).recoverWithItem((Void) null)
                .onFailure().recoverWithNull();
    }
}
