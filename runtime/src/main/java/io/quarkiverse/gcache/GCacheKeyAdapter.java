package io.quarkiverse.gcache;

/**
 * Gives a parameter type without a stable string form its key string (reference: API). Implementations must be
 * thread-safe and deterministic: equal inputs give equal strings, on every instance and across restarts.
 *
 * @param <T> the parameter type
 */
@FunctionalInterface
public interface GCacheKeyAdapter<T> {

    /** The key string of {@code value}; escaping (R5) is applied afterwards. */
    String toKey(T value);
}
