package io.quarkiverse.gcache.runtime.layers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The LOCAL layer of one use case: a bounded Caffeine cache of completed values that expire a TTL after they were
 * stored; beside it, the computations under way.
 * <p>
 * The TTL is the use case's, one for all its entries: a fill with another TTL than the layer's (an override, a
 * {@code GCacheConfigProvider}) sets it for every entry, counted from each one's fill; an override that shortens it
 * sets it at once ({@link #shortenTtl}). So shortening a TTL at run time
 * ages out the entries already held, as someone turning the dial expects. A TTL per entry ({@code expireAfter}) would
 * cost every hit ~30 ns on top of Caffeine's own ~30: Caffeine then records each read for its timer wheel, where
 * a cache with a fixed expiry skips that until it is half full (measured, {@code benchmarks/}, row 4b).
 * <p>
 * Single flight (R11): a miss claims its key in the in-flight map before computing, so concurrent misses of the
 * same key wait for that one computation instead of running the method again; the computing caller
 * {@linkplain #fill fills} the cache, then ends the claim. A failed computation ends its claim without filling, so
 * failures are never cached (R9). Keeping computations out of the cache keeps a hit to one Caffeine read, with no
 * future to unwrap and none stored per entry.
 * <p>
 * Invalidation (R6a, R8): a use case without key arguments has one key per entity, the escaped id, and an
 * invalidation removes it. With key arguments an entity has any number of keys and no index of them is kept (an
 * index cost ~100 bytes per entry, half the entry): the invalidation log makes them stale, the next read of each
 * removes it, and the ones never read again leave with their TTL or the size bound. The log keeps each invalidation
 * for the longest LOCAL TTL used, so no stale entry outlives its record.
 * <p>
 * Concurrency: lock-free reads; Caffeine's maintenance (eviction, expiry) runs on the calling thread.
 */
public final class LocalLayer {

    private final Cache<String, LocalEntry> cache;
    /** The layer's TTL, set by fills. */
    private final Policy.FixedExpiration<String, LocalEntry> ttl;
    private final ConcurrentHashMap<String, CompletableFuture<LocalEntry>> inFlight = new ConcurrentHashMap<>();
    /**
     * Keys are local keys ({@code KeyBuilder#localKey}): the escaped id, then the arguments if any. Without arguments
     * the key is the entity id, so an invalidation removes it directly.
     */
    private final boolean keyIsId;
    /** Until the first fill sets the use case's TTL; nothing is stored before it. */
    private static final Duration INITIAL_TTL = Duration.ofHours(1);

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
                .expireAfterWrite(INITIAL_TTL)
                .build();
        this.ttl = cache.policy().expireAfterWrite().orElseThrow();
    }

    /**
     * Drops the entry of the entity {@code id} (escaped) in a use case without key arguments, and ends the claims of
     * the entity's computations under way, so that callers from now on compute afresh instead of waiting for a value
     * that began before the invalidation (R6a). Entries of a use case with key arguments stay until read, expired or
     * evicted: the invalidation log, recorded before this call, makes them stale. Returns how many entries it removed.
     */
    public int invalidateEntity(String id) {
        if (!inFlight.isEmpty()) {
            inFlight.keySet().removeIf(key -> isKeyOf(key, id)); // only computations under way: few
        }
        if (keyIsId) {
            return cache.asMap().remove(id) == null ? 0 : 1;
        }
        return 0;
    }

    /** Whether a local key belongs to the entity {@code id}: it is the id, or the id followed by arguments. */
    static boolean isKeyOf(String localKey, String id) {
        return localKey.startsWith(id) && (localKey.length() == id.length() || localKey.charAt(id.length()) == '?');
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
     * are waiting on it. A claim that is never ended (a computation that hangs) holds its key until the first caller
     * that waited {@code local.wait-timeout} for it {@linkplain #takeOver takes it over} (R11a). {@link #invalidateEntity} and
     * {@link #clear} end claims but complete none: their waiters still
     * depend on the caller that claimed.
     */
    public CompletableFuture<LocalEntry> claim(String key, CompletableFuture<LocalEntry> claim) {
        return inFlight.putIfAbsent(key, claim);
    }

    /**
     * Stores the claimed computation's entry, ends the claim and hands the entry to its waiters. {@code ttlNanos}, the
     * use case's TTL now, becomes the layer's TTL if it is another: for every entry, from its fill. An entry already
     * there stays if its computation began later (a computation that was taken over and ended late).
     */
    public void fill(String key, CompletableFuture<LocalEntry> claim, LocalEntry entry, long ttlNanos) {
        if (ttlNanos != ttl.getExpiresAfter(TimeUnit.NANOSECONDS)) {
            setTtl(ttlNanos); // rare: the TTL changed at run time
        }
        cache.asMap().merge(key, entry, LocalLayer::later);
        inFlight.remove(key, claim);
        claim.complete(entry);
    }

    private static LocalEntry later(LocalEntry held, LocalEntry filled) {
        return filled.startNanos() - held.startNanos() >= 0 ? filled : held;
    }

    /**
     * A longer TTL first drops the entries the current one has expired: Caffeine removes expired entries lazily, and
     * one left over would come back to life under the longer TTL, older than any TTL ever allowed and possibly past
     * the invalidation log's memory of its entity (R6a). Caffeine's own maintenance does it, from the oldest entry
     * on: O(expired entries), so a TTL that changes often costs no scan of the cache.
     */
    private synchronized void setTtl(long ttlNanos) {
        if (ttlNanos > ttl.getExpiresAfter(TimeUnit.NANOSECONDS)) {
            // Twice: a fill that refreshes the oldest entry while the first pass runs stops that pass there (Caffeine
            // expires in write order and the refreshed entry is not expired); the second pass has moved it to the end.
            // Best effort: a second such fill during the second pass, on a TTL increase, is not covered.
            cache.cleanUp();
            cache.cleanUp();
        }
        ttl.setExpiresAfter(ttlNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Replaces the claim {@code late}, whose computation outlived a waiter's {@code local.wait-timeout} (R11a), with
     * {@code claim}: the caller now computes, with the obligation of {@link #claim}, and later callers wait for it. The
     * late computation still completes its own future for the callers already waiting on it, and may still fill the key
     * (its value is as valid as the new one unless an invalidation came after its start, which its fill checks).
     * Returns whether {@code late} was still the key's claim.
     */
    public boolean takeOver(String key, CompletableFuture<LocalEntry> late, CompletableFuture<LocalEntry> claim) {
        return inFlight.replace(key, late, claim);
    }

    /** Sets the layer's TTL to {@code ttlNanos} if that is shorter: for every entry held, from its fill. */
    public void shortenTtl(long ttlNanos) {
        if (ttlNanos < ttl.getExpiresAfter(TimeUnit.NANOSECONDS)) {
            setTtl(ttlNanos);
        }
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

    /**
     * How long the entry of {@code key} has left, in nanoseconds, or {@code -1} when there is none. A second lookup:
     * for early refresh only (R21).
     */
    public long expiresInNanos(String key) {
        long age = ttl.ageOf(key, TimeUnit.NANOSECONDS).orElse(-1);
        return age < 0 ? -1 : Math.max(0, ttl.getExpiresAfter(TimeUnit.NANOSECONDS) - age);
    }

    /** Drops every entry, and ends the claims of computations under way (callers from now on compute afresh). */
    public void clear() {
        inFlight.clear();
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }

    /** Runs pending maintenance now (expired entries leave the cache), for tests. */
    void cleanUp() {
        cache.cleanUp();
    }
}
