package io.quarkiverse.gcache.runtime.invalidation;

import java.util.concurrent.ConcurrentHashMap;

import io.quarkiverse.gcache.runtime.layers.LocalEntry;

/**
 * The invalidations this instance knows of, so that a LOCAL value whose computation began before its entity's
 * latest invalidation is stale (R6a for LOCAL): it closes the race where a computation that started before an
 * invalidation stores its (old) value after the invalidation dropped the entry.
 * <p>
 * Times are this instance's {@link System#nanoTime()}: when the invalidation became known here, plus its future
 * buffer. Entries are forgotten once older than the longest LOCAL TTL, since every value computed before them has
 * expired by then. Lock-free; an empty log costs one {@code isEmpty()} per LOCAL hit.
 */
public final class InvalidationLog {

    private final ConcurrentHashMap<String, Long> invalidUntil = new ConcurrentHashMap<>();
    private volatile long retentionNanos;

    public InvalidationLog(long retentionNanos) {
        this.retentionNanos = retentionNanos;
    }

    /** Records that values of {@code entity} computed from now until {@code bufferNanos} from now are stale. */
    public void record(String entity, long bufferNanos) {
        long until = System.nanoTime() + Math.max(0, bufferNanos);
        invalidUntil.merge(entity, until, Math::max);
        if (invalidUntil.size() > 10_000) {
            prune();
        }
    }

    public boolean isStale(LocalEntry entry) {
        if (invalidUntil.isEmpty()) {
            return false;
        }
        Long until = invalidUntil.get(entry.entity());
        return until != null && entry.startNanos() - until <= 0;
    }

    public void retention(long nanos) {
        retentionNanos = Math.max(retentionNanos, nanos);
    }

    private void prune() {
        long horizon = System.nanoTime() - retentionNanos;
        invalidUntil.values().removeIf(until -> until - horizon < 0);
    }

}
