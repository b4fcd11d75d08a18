package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The REQUEST layer of one enable scope (reference R20): values by reference, per use case and local key, alive as long
 * as the scope (an HTTP request's, or a {@code GCache.enable()} block's). The same key asked twice in one scope runs
 * nothing twice and costs no Redis round trip. No TTL, no ramp, no serialization: it only removes repeated work
 * within one scope, and it is dropped with it.
 * <p>
 * Concurrency: code of one request may run on several threads after async hops, so the maps are concurrent. Two
 * concurrent first calls of one key in one scope may both compute (no single flight here; LOCAL has it); the value
 * stored last wins. Failures are never stored.
 */
public final class RequestLayer {

    /** Stands for a cached {@code null}: concurrent maps hold no nulls (R9). */
    private static final Object NULL = new Object();

    private final ConcurrentHashMap<Object, ConcurrentHashMap<String, Object>> byUseCase = new ConcurrentHashMap<>(4);

    /** The values of one use case in this scope; {@code useCase} is compared by identity. */
    public Values of(Object useCase) {
        return new Values(byUseCase.computeIfAbsent(useCase, u -> new ConcurrentHashMap<>()));
    }

    /** One use case's values in one scope. */
    public static final class Values {
        private final ConcurrentHashMap<String, Object> values;

        Values(ConcurrentHashMap<String, Object> values) {
            this.values = values;
        }

        /** Whether {@code key} has a value in this scope. */
        public boolean contains(String key) {
            return values.containsKey(key);
        }

        /** The value of {@code key} ({@code null} for a cached {@code null}); call after {@link #contains}. */
        public Object get(String key) {
            Object v = values.get(key);
            return v == NULL ? null : v;
        }

        public void put(String key, Object value) {
            values.put(key, value == null ? NULL : value);
        }

        public int size() {
            return values.size();
        }
    }
}
