package io.quarkiverse.gcache.runtime.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.gcache.CacheLayer;

/** {@code gcache.invalidations} per key type and layer (R16), plus LOCAL resyncs after subscription gaps (R8). */
public final class InvalidationStats {

    private final Map<String, LongAdder[]> byKeyType = new ConcurrentHashMap<>();
    private final LongAdder resyncs = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

    public InvalidationStats(Iterable<String> knownKeyTypes) {
        knownKeyTypes.forEach(this::adders);
    }

    public void invalidated(String keyType, CacheLayer layer) {
        adders(keyType)[layer.ordinal()].increment();
    }

    public long count(String keyType, CacheLayer layer) {
        LongAdder[] a = byKeyType.get(keyType);
        return a == null ? 0 : a[layer.ordinal()].sum();
    }

    /** The key types counted so far (every known one from the start). */
    public java.util.Set<String> keyTypes() {
        return byKeyType.keySet();
    }

    /** A watermark write for {@code keyType} failed; the invalidation waits in the outbox (R18). */
    public void writeFailed(String keyType) {
        failed.computeIfAbsent(keyType, k -> new LongAdder()).increment();
    }

    public double writeFailures(String keyType) {
        LongAdder a = failed.get(keyType);
        return a == null ? 0 : a.sum();
    }

    public void resynced() {
        resyncs.increment();
    }

    /** How many times LOCAL was cleared because invalidation messages may have been missed. */
    public long resyncs() {
        return resyncs.sum();
    }

    private LongAdder[] adders(String keyType) {
        return byKeyType.computeIfAbsent(keyType, k -> new LongAdder[] { new LongAdder(), new LongAdder() });
    }
}
