package io.quarkiverse.gcache.runtime.metrics;

import io.quarkiverse.gcache.CacheLayer;

/**
 * The {@code layer} tag values: the cache layers (REQUEST only for use cases that have it, reference R20), and GLOBAL
 * for a call disabled by context (reference R16).
 */
public enum StatLayer {
    REQUEST,
    LOCAL,
    REMOTE,
    GLOBAL;

    /** The tag value of a cache layer. */
    public static StatLayer of(CacheLayer layer) {
        return switch (layer) {
            case LOCAL -> LOCAL;
            case REMOTE -> REMOTE;
        };
    }
}
