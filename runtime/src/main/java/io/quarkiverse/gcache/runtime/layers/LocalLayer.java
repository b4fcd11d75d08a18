package io.quarkiverse.gcache.runtime.layers;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * The LOCAL layer of one use case: a bounded Caffeine cache whose entries each carry the TTL that was in force
 * when they were computed, so a TTL changed at run time applies to new entries without rebuilding the cache.
 * <p>
 * Values are futures: a miss installs an incomplete future before computing, so concurrent misses of the same
 * key wait for that one computation instead of running the method again (single flight, R11). A future that
 * completes exceptionally is removed by Caffeine, so failures are never cached (R9).
 */
public final class LocalLayer {

    private final AsyncCache<String, LocalEntry> cache;
    /** Keys per entity, so an invalidation touches only that entity's entries (R8) instead of scanning. */
    private final ConcurrentHashMap<String, Set<String>> keysByEntity = new ConcurrentHashMap<>();

    public LocalLayer(long maximumSize) {
        this.cache = Caffeine.newBuilder()
                // Maintenance (eviction to maximumSize) on the calling threads: on the common pool it lags under load
                // on small machines, and the bound was exceeded three-fold. The cost is amortised and small.
                .executor(Runnable::run)
                .maximumSize(maximumSize)
                .expireAfter(new PerEntryTtl())
                .removalListener((String key, LocalEntry entry, RemovalCause cause) -> {
                    if (entry != null && cause != RemovalCause.REPLACED) {
                        unindex(entry.entity(), key);
                    }
                })
                .buildAsync();
    }

    /**
     * Records that {@code key} holds a value of {@code entity}. Called after the entry is filled; an entry filled
     * while its entity is being invalidated may be missed here, which the invalidation log covers (it is stale).
     */
    public void index(String key, String entity) {
        keysByEntity.computeIfAbsent(entity, e -> ConcurrentHashMap.newKeySet()).add(key);
    }

    /** Drops every entry of {@code entity}; returns how many keys it had. */
    public int invalidateEntity(String entity) {
        Set<String> keys = keysByEntity.remove(entity);
        if (keys == null) {
            return 0;
        }
        for (String key : keys) {
            cache.asMap().remove(key);
        }
        return keys.size();
    }

    private void unindex(String entity, String key) {
        keysByEntity.computeIfPresent(entity, (e, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
        });
    }

    /** The entry's future (maybe still computing), or {@code null} on a miss. */
    public CompletableFuture<LocalEntry> get(String key) {
        return cache.getIfPresent(key);
    }

    /**
     * Claims {@code key} for computation: returns {@code null} when {@code claim} was installed (the caller
     * computes and completes it), or the future of the computation already under way.
     */
    public CompletableFuture<LocalEntry> claim(String key, CompletableFuture<LocalEntry> claim) {
        return cache.asMap().putIfAbsent(key, claim);
    }

    public void release(String key, CompletableFuture<LocalEntry> claim) {
        cache.asMap().remove(key, claim);
    }

    public ConcurrentMap<String, CompletableFuture<LocalEntry>> asMap() {
        return cache.asMap();
    }

    public void clear() {
        cache.synchronous().invalidateAll();
        keysByEntity.clear();
    }

    public long size() {
        return cache.synchronous().estimatedSize();
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
