package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The REQUEST layer of one enable scope (reference R20): values by reference, per use case and local key, alive as long
 * as the scope (an HTTP request's, or a {@code GCache.enable()} block's). The same key asked twice in one scope runs
 * nothing twice and costs no Redis round trip. No TTL, no ramp, no serialization: it only removes repeated work
 * within one scope, and it is dropped with it.
 * <p>
 * Entries are {@link LocalEntry LocalEntries} (value, escaped id, when the call began), so a reader checks them against
 * the invalidation log like LOCAL ones: a scope that invalidates an entity (or flushes) then reads it again gets a
 * fresh value (R6a).
 * <p>
 * Concurrency: code of one request may run on several threads after async hops, so the maps are concurrent. Two
 * concurrent first calls of one key in one scope may both compute (no single flight here; LOCAL has it); the value
 * stored last wins. Failures are never stored.
 */
public final class RequestLayer {

    private final ConcurrentHashMap<Object, Values> byUseCase = new ConcurrentHashMap<>(4);

    /** The values of one use case in this scope; {@code useCase} is compared by identity. Allocates only once. */
    public Values of(Object useCase) {
        Values values = byUseCase.get(useCase);
        return values != null ? values : byUseCase.computeIfAbsent(useCase, u -> new Values());
    }

    /** One use case's values in one scope. */
    public static final class Values {
        private final ConcurrentHashMap<String, LocalEntry> entries = new ConcurrentHashMap<>();

        /** The entry of {@code key}, or {@code null}; its value may be {@code null} (a cached null, R9). */
        public LocalEntry get(String key) {
            return entries.get(key);
        }

        public void put(String key, LocalEntry entry) {
            entries.put(key, entry);
        }

        public int size() {
            return entries.size();
        }
    }
}
