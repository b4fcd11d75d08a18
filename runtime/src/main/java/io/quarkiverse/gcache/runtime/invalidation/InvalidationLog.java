package io.quarkiverse.gcache.runtime.invalidation;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.layers.LocalEntry;

/**
 * The invalidations this instance knows of, so that a LOCAL value whose computation began before its entity's
 * latest invalidation is stale (reference rule R6a, LOCAL side): it closes the race where a computation that
 * started before an invalidation stores its (old) value after the invalidation dropped the entry.
 * <p>
 * Times are this instance's nanosecond clock: when the invalidation became known here, plus its future buffer.
 * An entry is kept for {@code retention} (the longest LOCAL TTL), after which every value computed before it has
 * expired anyway.
 * <p>
 * Bounded and O(1) amortised (reference rule R8, "invalidation flood"): entries are also queued in arrival order,
 * and each {@link #record} drops expired entries from the head of that queue. When more than {@code capacity}
 * entries are live, the oldest is dropped and the <em>floor</em> rises to its time: every LOCAL value computed at
 * or before the floor counts as stale. Forgetting thus never serves a stale value; it can only cost hits of values
 * older than the floor, and only under a flood larger than the capacity. {@link #invalidateAll()} raises a second
 * floor, for tracked use cases only, to now (a resync after a subscription gap, R8a).
 * <p>
 * Entries are kept per key type ({@link Entities}), keyed by the escaped id, so a use case holds the map of its own
 * key type and a LOCAL hit checks its entry without building the entity's name. The log is also what invalidates the
 * LOCAL entries of use cases with key arguments, which keep no index of an entity's keys ({@code LocalLayer}).
 * <p>
 * Concurrency: lock-free. {@link #isStale} reads two volatile fields and, when its key type has entries, does one
 * hash lookup; it allocates nothing for a use case without key arguments, and a small lookup object (which escape
 * analysis usually removes) for one with them. Pruning is done by one thread at a time; others skip it.
 */
public final class InvalidationLog {

    /** Live entries beyond which the floor takes over; ~100 bytes each. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final ConcurrentHashMap<String, Entities> byKeyType = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Record> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean pruning = new AtomicBoolean();
    private final int capacity;
    private final LongSupplier clock;
    private volatile long retentionNanos;
    /** Values computed at or before this instant are stale, whatever their entity (overflow). */
    private volatile long floor;
    /** Values of tracked use cases computed at or before this instant are stale (resync). */
    private volatile long trackedFloor;

    public InvalidationLog(long retentionNanos) {
        this(retentionNanos, DEFAULT_CAPACITY, System::nanoTime);
    }

    InvalidationLog(long retentionNanos, int capacity, LongSupplier clock) {
        this.retentionNanos = retentionNanos;
        this.capacity = capacity;
        this.clock = clock;
        this.floor = clock.getAsLong() - 1; // nothing was computed before this instance existed
        this.trackedFloor = floor;
    }

    /**
     * The invalidations of one key type: escaped id to the instant until which computed values are stale. Use cases
     * get theirs once, at startup.
     */
    public static final class Entities {
        final ConcurrentHashMap<String, Long> invalidUntil = new ConcurrentHashMap<>();

        /** The entry of the entity whose local key is {@code localKey}: the key up to its first {@code ?}. */
        Long untilOf(String localKey) {
            int end = KeyBuilder.idLength(localKey);
            return invalidUntil.get(end == localKey.length() ? localKey : new IdOfKey(localKey, end));
        }
    }

    /**
     * Looks up the id at the start of a local key without copying it. Used only as the argument of
     * {@code ConcurrentHashMap.get}, which asks the argument's {@code equals} with its stored {@code String} keys; it
     * hashes as that String would ({@link String#hashCode()} is specified over the characters).
     */
    private static final class IdOfKey {
        private final String key;
        private final int end;
        private final int hash;

        IdOfKey(String key, int end) {
            this.key = key;
            this.end = end;
            int h = 0;
            for (int i = 0; i < end; i++) {
                h = 31 * h + key.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof String s && s.length() == end && key.regionMatches(0, s, 0, end);
        }
    }

    /** The entries of {@code keyType}, created on first use. */
    public Entities of(String keyType) {
        return byKeyType.computeIfAbsent(keyType, k -> new Entities());
    }

    /**
     * Records that values of the entity {@code keyType}/{@code id} (escaped) computed from now until
     * {@code bufferNanos} from now are stale.
     */
    public void record(String keyType, String id, long bufferNanos) {
        long now = clock.getAsLong();
        long until = now + Math.max(0, bufferNanos);
        Entities entities = of(keyType);
        entities.invalidUntil.merge(id, until, (a, b) -> a - b >= 0 ? a : b);
        arrivals.add(new Record(entities, id, until));
        queued.incrementAndGet();
        prune(now);
    }

    /**
     * Every value computed until now is stale, of every use case ({@code flushAll()}): REQUEST layers of running
     * scopes and computations under way must not bring flushed values back.
     */
    public void invalidateEverything() {
        raiseFloor(clock.getAsLong());
    }

    /** Every value of a tracked use case computed until now is stale (invalidations may have been missed). */
    public synchronized void invalidateAll() {
        long now = clock.getAsLong();
        if (now - trackedFloor > 0) {
            trackedFloor = now;
        }
    }

    /**
     * Whether a LOCAL or REQUEST entry predates an invalidation of its entity, a resync or a flush.
     *
     * @param localKey the entry's local key ({@code KeyBuilder#localKey}): the escaped id, then {@code ?} and the
     *        arguments if any; the entity is found from it without allocating
     * @param tracked whether the entry's use case is tracked for invalidation
     * @param entities the invalidations of the entry's key type ({@link #of})
     */
    public boolean isStale(LocalEntry entry, String localKey, boolean tracked, Entities entities) {
        long start = entry.startNanos();
        if (start - floor <= 0 || (tracked && start - trackedFloor <= 0)) {
            return true;
        }
        if (entities.invalidUntil.isEmpty()) {
            return false;
        }
        Long until = entities.untilOf(localKey);
        return until != null && start - until <= 0;
    }

    /**
     * Keeps entries at least {@code nanos}: an entry may be forgotten only once every value it makes stale has
     * expired. Called at startup with each configured LOCAL TTL and by every LOCAL fill with the TTL it used, so TTLs
     * from overrides or a {@code GCacheConfigProvider} count too; a plain read when nothing changes.
     */
    public void retention(long nanos) {
        if (nanos > retentionNanos) {
            synchronized (this) {
                retentionNanos = Math.max(retentionNanos, nanos);
            }
        }
    }

    /**
     * Whether a computation that began at {@code startNanos} ran longer than the log remembers invalidations: its
     * entity may have been invalidated meanwhile and forgotten since, so its value must not be kept (R6a).
     */
    public boolean outlived(long startNanos) {
        return clock.getAsLong() - startNanos >= retentionNanos;
    }

    /** Entries currently remembered one by one. */
    public int size() {
        int size = 0;
        for (Entities e : byKeyType.values()) {
            size += e.invalidUntil.size();
        }
        return size;
    }

    private void prune(long now) {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            long horizon = now - retentionNanos;
            Record head;
            while ((head = arrivals.peek()) != null) {
                boolean expired = head.until - horizon < 0;
                if (!expired && queued.get() <= capacity) {
                    break;
                }
                arrivals.poll(); // only this thread polls, so this is head
                queued.decrementAndGet();
                head.entities.invalidUntil.remove(head.id, head.until); // unless a later invalidation superseded it
                if (!expired) {
                    raiseFloor(head.until);
                }
            }
        } finally {
            pruning.set(false);
        }
    }

    private synchronized void raiseFloor(long to) {
        // rare: only on overflow, resync or flush
        if (to - floor > 0) {
            floor = to;
        }
    }

    private record Record(Entities entities, String id, long until) {
    }
}
