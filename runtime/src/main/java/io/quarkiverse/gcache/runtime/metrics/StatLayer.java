package io.quarkiverse.gcache.runtime.metrics;

/** The {@code layer} tag values: the two cache layers, and GLOBAL for a call disabled by context (reference R16). */
public enum StatLayer {
    LOCAL,
    REMOTE,
    GLOBAL
}
