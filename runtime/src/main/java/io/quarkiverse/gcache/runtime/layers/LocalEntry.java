package io.quarkiverse.gcache.runtime.layers;

/**
 * A LOCAL value. {@code value} may be {@code null}: a cached {@code null} result (R9), distinct from a miss,
 * which is the absence of an entry.
 */
public record LocalEntry(Object value, long ttlNanos) {
}
