package io.quarkiverse.gcache.runtime.layers;

/**
 * A LOCAL value. {@code value} may be {@code null}: a cached {@code null} result (R9), distinct from a miss,
 * which is the absence of an entry.
 *
 * @param id the escaped entity id ({@code 7} of {@code {urn:user_id:7}}), for invalidation; for a use case without
 *        key arguments the same string as the entry's key, so it costs no memory of its own
 * @param startNanos {@link System#nanoTime()} when the computation of the value began (R6a, LOCAL side)
 */
public record LocalEntry(Object value, long ttlNanos, String id, long startNanos) {
}
