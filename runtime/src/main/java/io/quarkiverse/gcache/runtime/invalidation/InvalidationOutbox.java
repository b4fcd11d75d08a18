package io.quarkiverse.gcache.runtime.invalidation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.quarkiverse.gcache.runtime.keys.Urns;

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

    /** Whether {@code p} is still its entity's entry: not written, expired, nor replaced by a newer invalidation. */
    boolean isCurrent(Pending p) {
        return pending.get(p.entity) == p;
    }

    /** Every entry that waits now, in no particular order; for the last try at shutdown and its report (R33). */
    List<Pending> snapshot() {
        return new ArrayList<>(pending.values());
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

    /**
     * One entity's unwritten invalidation. Compared by identity: a newer invalidation of the entity replaces the entry,
     * and writing the older one must not forget the newer. {@code failures} and {@code inFlight} belong to the retries
     * ({@link OutboxRetries}), which read and write them under their own lock.
     */
    static final class Pending {
        final String keyType;
        final String entity;
        final long bufferMillis;
        final long sinceNanos;
        int failures;
        boolean inFlight;

        Pending(String keyType, String entity, long bufferMillis, long sinceNanos) {
            this.keyType = keyType;
            this.entity = entity;
            this.bufferMillis = bufferMillis;
            this.sinceNanos = sinceNanos;
        }

        String keyType() {
            return keyType;
        }

        String entity() {
            return entity;
        }

        long bufferMillis() {
            return bufferMillis;
        }

        /**
         * The id as the application gave it, for an operator who replays the invalidation: the entity is
         * {@code {<prefix>:<keyType>:<id>}} with key type and id escaped (R5), so the id is what follows the last raw
         * {@code :}, unescaped.
         */
        String id() {
            int start = entity.lastIndexOf(':') + 1;
            int end = entity.endsWith("}") ? entity.length() - 1 : entity.length();
            return unescape(entity.substring(start, Math.max(start, end)));
        }

        /** The watermark key, which an operator can also write directly. */
        String watermarkKey() {
            return entity + "#" + Urns.WATERMARK;
        }

        @Override
        public String toString() {
            return "key type " + keyType + ", id " + id() + " (" + watermarkKey() + ")";
        }

        /** Undoes the {@code %XX} escaping of R5 (UTF-8 bytes); a malformed escape leaves the text as it is. */
        static String unescape(String s) {
            if (s.indexOf('%') < 0) {
                return s;
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
            int run = 0;
            try {
                for (int i = 0; i + 2 < s.length(); i++) {
                    if (s.charAt(i) == '%') {
                        bytes.writeBytes(s.substring(run, i).getBytes(StandardCharsets.UTF_8));
                        bytes.write(Integer.parseInt(s, i + 1, i + 3, 16));
                        i += 2;
                        run = i + 1;
                    }
                }
            } catch (NumberFormatException e) {
                return s;
            }
            bytes.writeBytes(s.substring(run).getBytes(StandardCharsets.UTF_8));
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
