package io.quarkiverse.gcache.runtime.metrics;

import io.quarkiverse.gcache.CacheLayer;

/** The {@code layer} tag values: the two cache layers, and GLOBAL for a call disabled by context (reference R16). */
public enum StatLayer {
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
