package io.quarkiverse.gcache.runtime.layers;

/**
 * A LOCAL (or REQUEST) value. {@code value} may be {@code null}: a cached {@code null} result (R9), distinct from a
 * miss, which is the absence of an entry. Two fields (24 bytes): the TTL is the layer's, one per use case, and the entity is
 * the start of the entry's key ({@code KeyBuilder#localKey}), so neither is stored here.
 *
 * @param startNanos {@link System#nanoTime()} when the computation of the value began (R6a, LOCAL side)
 */
public record LocalEntry(Object value, long startNanos) {
}
