package io.quarkiverse.gcache.runtime.layers;

/**
 * A LOCAL value. {@code value} may be {@code null}: a cached {@code null} result (R9), distinct from a miss,
 * which is the absence of an entry.
 *
 * @param entity the entity part of the key in tracked form ({@code {urn:user_id:7}}), for invalidation
 * @param startNanos {@link System#nanoTime()} when the computation of the value began (R6a, LOCAL side)
 */
public record LocalEntry(Object value, long ttlNanos, String entity, long startNanos) {
}
