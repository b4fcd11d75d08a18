package io.quarkiverse.gcache.test.faults;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Singleton;

import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;

/**
 * Every value a method produces is unique and remembered per key, so a test can check that each value a caller got
 * is one the method produced for that key; concurrent runs per key are counted.
 */
@Singleton
public class Versions {

    public final Map<String, Set<String>> produced = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    public final AtomicInteger maxConcurrentPerKey = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();

    String produce(String id) {
        calls.incrementAndGet();
        AtomicInteger now = running.computeIfAbsent(id, k -> new AtomicInteger());
        maxConcurrentPerKey.accumulateAndGet(now.incrementAndGet(), Math::max);
        try {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the method's own time
            String value = id + "@" + sequence.incrementAndGet();
            produced.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(value);
            return value;
        } finally {
            now.decrementAndGet();
        }
    }

    @GCached(keyType = "v", id = "id", useCase = "VersionsBoth", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
    public String both(String id) {
        return produce(id);
    }

    @GCached(keyType = "v", id = "id", useCase = "VersionsUni", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
    public Uni<String> uni(String id) {
        return Uni.createFrom().item(() -> produce(id));
    }
}
