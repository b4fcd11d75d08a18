package io.quarkiverse.gcache.runtime.layers;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The LOCAL layer of one use case: a bounded Caffeine cache of completed values, whose entries each carry the TTL
 * that was in force when they were computed, so a TTL changed at run time applies to new entries without
 * rebuilding the cache; beside it, the computations under way.
 * <p>
 * Single flight (R11): a miss claims its key in the in-flight map before computing, so concurrent misses of the
 * same key wait for that one computation instead of running the method again; the computing caller
 * {@linkplain #fill fills} the cache, then ends the claim. A failed computation ends its claim without filling, so
 * failures are never cached (R9). Keeping computations out of the cache keeps a hit to one Caffeine read, with no
 * future to unwrap and none stored per entry.
 * <p>
 * Concurrency: lock-free reads; Caffeine's maintenance (eviction, removal listener) runs on the calling thread.
 */
public final class LocalLayer {

    private final Cache<String, LocalEntry> cache;
    private final ConcurrentHashMap<String, CompletableFuture<LocalEntry>> inFlight = new ConcurrentHashMap<>();
    /**
     * Keys are local keys ({@code KeyBuilder#localKey}): the escaped id, then the arguments if any. Without arguments
     * the key is the entity id, so an invalidation removes it directly and no index exists.
     */
    private final boolean keyIsId;
    /**
     * With key arguments: the keys of each entity (escaped id), so an invalidation touches only that entity's entries
     * (R8) instead of scanning. The value is the key itself while the entity has one, a set beyond that. Values are
     * only read or changed under the map's per-bin lock ({@code compute}, {@code remove}), so the sets need no
     * synchronisation of their own.
     */
    private final ConcurrentHashMap<String, Object> keysByEntity = new ConcurrentHashMap<>();

    /**
     * @param keyIsId whether keys are the escaped id alone (a use case without key arguments)
     */
    public LocalLayer(long maximumSize, boolean keyIsId) {
        this(maximumSize, keyIsId, Ticker.systemTicker());
    }

    /** @param ticker the clock of TTLs (tests advance it by hand) */
    LocalLayer(long maximumSize, boolean keyIsId, Ticker ticker) {
        this.keyIsId = keyIsId;
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                // Maintenance (eviction to maximumSize) on the calling threads: on the common pool it lags under load
                // on small machines, and the bound was exceeded three-fold. The cost is amortised and small.
                .executor(Runnable::run)
                .maximumSize(maximumSize)
                .expireAfter(new PerEntryTtl())
                .removalListener((String key, LocalEntry entry, RemovalCause cause) -> {
                    if (!keyIsId && entry != null && cause != RemovalCause.REPLACED) {
                        unindex(entry.id(), key);
                    }
                })
                .build();
    }

    /**
     * Records that {@code key} holds a value of entity {@code id}. Called after the entry is stored; an entry stored
     * while its entity is being invalidated may be missed here, which the invalidation log covers (it is stale).
     */
    @SuppressWarnings("unchecked")
    private void index(String key, String id) {
        keysByEntity.compute(id, (e, keys) -> {
            if (keys == null || keys.equals(key)) {
                return key;
            }
            if (keys instanceof String single) {
                Set<String> set = new HashSet<>(4);
                set.add(single);
                set.add(key);
                return set;
            }
            ((Set<String>) keys).add(key);
            return keys;
        });
    }

    /**
     * Drops every entry of the entity {@code id} (escaped), and ends the claims of its computations under way, so
     * that callers from now on compute afresh instead of waiting for a value that began before the invalidation
     * (R6a); returns how many entries it had.
     */
    @SuppressWarnings("unchecked")
    public int invalidateEntity(String id) {
        if (!inFlight.isEmpty()) {
            inFlight.keySet().removeIf(key -> isKeyOf(key, id)); // only computations under way: few
        }
        if (keyIsId) {
            return cache.asMap().remove(id) == null ? 0 : 1;
        }
        Object keys = keysByEntity.remove(id);
        if (keys == null) {
            return 0;
        }
        if (keys instanceof String single) {
            cache.asMap().remove(single);
            return 1;
        }
        Set<String> set = (Set<String>) keys; // removed from the map: no other thread can reach it any more
        for (String key : set) {
            cache.asMap().remove(key);
        }
        return set.size();
    }

    /** Whether a local key belongs to the entity {@code id}: it is the id, or the id followed by arguments. */
    static boolean isKeyOf(String localKey, String id) {
        return localKey.startsWith(id) && (localKey.length() == id.length() || localKey.charAt(id.length()) == '?');
    }

    @SuppressWarnings("unchecked")
    private void unindex(String id, String key) {
        keysByEntity.computeIfPresent(id, (e, keys) -> {
            if (keys instanceof String single) {
                return single.equals(key) ? null : single;
            }
            Set<String> set = (Set<String>) keys;
            set.remove(key);
            return set.isEmpty() ? null : set;
        });
    }

    /** The completed entry of {@code key}, or {@code null}. */
    public LocalEntry get(String key) {
        return cache.getIfPresent(key);
    }

    /**
     * Claims {@code key} for computation: returns {@code null} when {@code claim} was installed (the caller
     * computes, then {@link #fill}s or {@link #release}s it), or the future of the computation already under way.
     * <p>
     * <b>Caller obligation:</b> a caller whose claim was installed (this method returned {@code null}) must end it on
     * every path, including exceptions: either {@link #fill} it, or {@link #release} it and then complete
     * {@code claim} itself, normally or exceptionally, since {@code release} does not complete it and its waiters
     * are waiting on it. A claim that is never ended strands its key: later misses find it and wait (until
     * {@code local.wait-timeout}, R11a), then compute without filling LOCAL, until the entity is invalidated or LOCAL
     * is cleared. {@link #invalidateEntity} and {@link #clear} end claims but complete none: their waiters still
     * depend on the caller that claimed.
     */
    public CompletableFuture<LocalEntry> claim(String key, CompletableFuture<LocalEntry> claim) {
        return inFlight.putIfAbsent(key, claim);
    }

    /** Stores the claimed computation's entry, indexes it, ends the claim and hands the entry to its waiters. */
    public void fill(String key, CompletableFuture<LocalEntry> claim, LocalEntry entry) {
        cache.put(key, entry);
        if (!keyIsId) {
            index(key, entry.id());
        }
        inFlight.remove(key, claim);
        claim.complete(entry);
    }

    /** Ends a claim without storing anything (the computation failed, or its value must not be kept). */
    public void release(String key, CompletableFuture<LocalEntry> claim) {
        inFlight.remove(key, claim);
    }

    /** Removes {@code entry} if it is still the entry of {@code key} (it was found stale). */
    public void remove(String key, LocalEntry entry) {
        cache.asMap().remove(key, entry);
    }

    /** Removes the entry of {@code key}; whether there was one. */
    public boolean remove(String key) {
        return cache.asMap().remove(key) != null;
    }

    /** The local keys held: a live, weakly consistent view (for the management views and tests). */
    public java.util.Set<String> keys() {
        return cache.asMap().keySet();
    }

    /** Drops every entry, and ends the claims of computations under way (callers from now on compute afresh). */
    public void clear() {
        inFlight.clear();
        cache.invalidateAll();
        keysByEntity.clear();
    }

    public long size() {
        return cache.estimatedSize();
    }

    /** Runs pending maintenance now (expired entries leave the cache and the index), for tests. */
    void cleanUp() {
        cache.cleanUp();
    }

    private static final class PerEntryTtl implements Expiry<String, LocalEntry> {
        @Override
        public long expireAfterCreate(String key, LocalEntry value, long currentTime) {
            return value.ttlNanos();
        }

        @Override
        public long expireAfterUpdate(String key, LocalEntry value, long currentTime, long currentDuration) {
            return value.ttlNanos();
        }

        @Override
        public long expireAfterRead(String key, LocalEntry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
