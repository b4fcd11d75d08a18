package io.quarkiverse.gcache.runtime.invalidation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Invalidations whose watermark could not be written yet (reference rule R18): Redis was down, slow or
 * unreachable. One entry per entity (a second invalidation of the same entity coalesces into the first: the
 * watermark, once written, carries the server time of that write, which covers both), at most {@code capacity}
 * entries. An entry is dropped when its watermark is written, or when the largest REMOTE TTL has passed since its
 * latest invalidation: by then no value it could cover is left in Redis.
 * <p>
 * While an entity is pending, REMOTE values of that entity are not trusted nor written by this instance (they may
 * predate the invalidation), see {@link #isPending}.
 * <p>
 * Concurrency: lock-free ({@link ConcurrentHashMap}); {@link #isPending} costs one volatile read when empty.
 */
public final class InvalidationOutbox {

    /** Entities waiting at most; beyond it an invalidation is dropped, counted and logged. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final int capacity;
    private final LongSupplier clock;

    public InvalidationOutbox(int capacity, LongSupplier clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /**
     * Adds (or coalesces) an invalidation of {@code entity}.
     *
     * @return {@code false} when the outbox is full and the invalidation could not be kept
     */
    public boolean add(String keyType, String entity, long bufferMillis) {
        long now = clock.getAsLong();
        if (pending.size() >= capacity && !pending.containsKey(entity)) {
            return false;
        }
        pending.merge(entity, new Pending(keyType, entity, bufferMillis, now),
                (a, b) -> new Pending(a.keyType, a.entity, Math.max(a.bufferMillis, b.bufferMillis), b.sinceNanos));
        return true;
    }

    /** Whether an invalidation of {@code entity} (tracked form, e.g. {@code {urn:user_id:7}}) is still unwritten. */
    public boolean isPending(String entity) {
        return !pending.isEmpty() && pending.containsKey(entity);
    }

    public int size() {
        return pending.size();
    }

    /** A snapshot, oldest first, of what waits; entries older than {@code maxAgeNanos} are dropped and not returned. */
    List<Pending> due(long maxAgeNanos) {
        long now = clock.getAsLong();
        List<Pending> due = new ArrayList<>(pending.size());
        for (Pending p : pending.values()) {
            if (now - p.sinceNanos > maxAgeNanos) {
                pending.remove(p.entity, p);
            } else {
                due.add(p);
            }
        }
        due.sort((a, b) -> Long.compare(a.sinceNanos - now, b.sinceNanos - now));
        return due;
    }

    /** The watermark of {@code p} was written; unless a newer invalidation of its entity arrived since, forget it. */
    void written(Pending p) {
        pending.remove(p.entity, p);
    }

    /** One entity's unwritten invalidation. */
    record Pending(String keyType, String entity, long bufferMillis, long sinceNanos) {
    }
}
