package io.quarkiverse.gcache.runtime.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.quarkiverse.gcache.CacheLayer;

/** {@code gcache.invalidations} per key type and layer (R16), plus LOCAL resyncs after subscription gaps (R8). */
public final class InvalidationStats {

    private final Map<String, LongAdder[]> byKeyType = new ConcurrentHashMap<>();
    private final LongAdder resyncs = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private volatile Consumer<String> onNewKeyType = keyType -> {
    };

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

    /**
     * Told of each key type counted for the first time after startup (a programmatic {@code invalidate} or an
     * {@code @GCacheInvalidate} of a key type no {@code @GCached} method has), so that its meters are created then.
     */
    public void onNewKeyType(Consumer<String> listener) {
        this.onNewKeyType = listener;
    }

    private LongAdder[] adders(String keyType) {
        LongAdder[] adders = byKeyType.get(keyType);
        if (adders != null) {
            return adders;
        }
        LongAdder[] created = { new LongAdder(), new LongAdder() };
        adders = byKeyType.putIfAbsent(keyType, created);
        if (adders != null) {
            return adders;
        }
        onNewKeyType.accept(keyType);
        return created;
    }
}
