package io.quarkiverse.gcache;

/** The two cache layers, in the order a call reads them (reference R2). */
public enum CacheLayer {
    /** In-process Caffeine cache, one per use case. */
    LOCAL,
    /** Redis, shared by every instance. */
    REMOTE
}
