package io.quarkiverse.gcache;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * The injectable entry point: enable scopes (R1), invalidation (R6–R8), flush (R15) and deletion.
 * <p>
 * Scopes are bound to the current thread and, when the call runs on a Vert.x duplicated context (an HTTP request),
 * to that context too, so that code running after an async hop of the same request sees them. Scopes nest; closing
 * one restores exactly the state that was current when it was opened. Close them in the reverse order of opening,
 * which try-with-resources does.
 */
public interface GCache {

    /** Enables caching until the returned scope is closed. */
    Scope enable();

    /** Disables caching until the returned scope is closed, also inside an enabled scope or request. */
    Scope disable();

    /** Whether a {@link GCached} call made here and now would consult the cache. */
    boolean isEnabled();

    /**
     * Invalidates every cached value of the entity, for all use cases and arguments: LOCAL at once, REMOTE through
     * the watermark. Never throws on a Redis failure. A {@code null} id is the entity {@code null}, the one a
     * {@code @GCached} call with a {@code null} id is cached under. On a Vert.x event loop it does not wait for
     * Redis (and returns {@code false}); {@link #invalidateAsync} tells the outcome. Inside an enabled scope, the
     * scope's later cached reads of the entity run their method, bypassing every layer (read your writes).
     * <p>
     * Inside a JTA transaction ({@code @Transactional}, {@code QuarkusTransaction}, Panache ORM) the invalidation is
     * made at once and again when the transaction completes, before its {@code commit} returns (reference R24): reads
     * until the commit still see the old rows. After a rollback the second one only drops what was cached meanwhile.
     *
     * @return {@code true} when the watermark reached Redis or there is no Redis; {@code false} when Redis could not
     *         be written (LOCAL is invalidated either way). Inside a transaction this tells about the invalidation made
     *         at once: the one made after the commit cannot be reported here; if Redis cannot be written then, it is
     *         kept and retried like any other (R18) and logged
     */
    boolean invalidate(String keyType, String id);

    /** As {@link #invalidate(String, String)}, with the watermark placed {@code futureBuffer} in the future. */
    boolean invalidate(String keyType, String id, Duration futureBuffer);

    /**
     * Non-blocking invalidation. It happens whether or not the {@code Uni} is subscribed: LOCAL is invalidated and the
     * watermark write started before this method returns. The {@code Uni} reports that write's outcome (to every
     * subscriber, without writing again): it fails when Redis could not be written, and the invalidation then waits in
     * the outbox and is retried. Inside a JTA transaction the invalidation after the transaction completes (R24) is
     * registered by this call too; the {@code Uni} tells about the one made now.
     */
    Uni<Void> invalidateAsync(String keyType, String id);

    /** As {@link #invalidateAsync(String, String)}, with the watermark placed {@code futureBuffer} in the future. */
    Uni<Void> invalidateAsync(String keyType, String id, Duration futureBuffer);

    /**
     * Empties LOCAL on this instance and removes this extension's keys from Redis (by prefix, with SCAN; R15). Never
     * throws: a Redis failure is logged. On a Vert.x event loop it does not wait for Redis.
     */
    void flushAll();

    /**
     * Removes one entry from every layer; {@code true} when something was removed. On a Vert.x event loop the Redis
     * {@code DEL} is sent but not waited for, and the result tells whether LOCAL held the entry.
     *
     * @throws IllegalArgumentException for the reserved use case {@code watermark} (use {@link #invalidate})
     */
    boolean delete(GCacheKey key);

    /** Runtime control: effective configuration, live counters, ramp and TTL overrides (reference: runtime control). */
    GCacheControl control();

    /** A scope opened by {@link #enable()} or {@link #disable()}. */
    interface Scope extends AutoCloseable {
        /** Restores the state before this scope was opened. Idempotent; throws nothing. */
        @Override
        void close();
    }
}
