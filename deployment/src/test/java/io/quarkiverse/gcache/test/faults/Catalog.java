package io.quarkiverse.gcache.test.faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Singleton;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;

/**
 * The application under fault: a "database" of names whose reads take {@link #METHOD_MILLIS} ms, read through the
 * cache in the three usual setups, and a write that invalidates.
 */
@Singleton
public class Catalog {

    public static final long METHOD_MILLIS = 2;

    public final Map<String, String> names = new ConcurrentHashMap<>();
    public final AtomicInteger reads = new AtomicInteger();

    public String name(String id) {
        reads.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(METHOD_MILLIS)); // the database's own time
        return names.getOrDefault(id, "name-" + id);
    }

    @GCached(keyType = "item", id = "id", useCase = "Both", localTtl = "200ms", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
    public String both(String id) {
        return name(id);
    }

    @GCached(keyType = "item", id = "id", useCase = "RemoteOnly", remoteTtl = "1m", remoteRamp = 100)
    public String remoteOnly(String id) {
        return name(id);
    }

    @GCached(keyType = "item", id = "id", useCase = "LongLocal", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    public String longLocal(String id) {
        return name(id);
    }

    @GCached(keyType = "item", id = "id", useCase = "Reactive", localTtl = "200ms", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
    public Uni<String> reactive(String id) {
        return Uni.createFrom().item(() -> name(id));
    }

    /** LOCAL only, no database time: for volume. */
    @GCached(keyType = "item", id = "id", useCase = "Fast", localTtl = "5m", localRamp = 100)
    public String fast(String id) {
        return "name-" + id;
    }

    /** A value with a shape (R14b). */
    public record Profile(String id, String name) {
    }

    @GCached(keyType = "item", id = "id", useCase = "Profile", remoteTtl = "1m", remoteRamp = 100)
    public Profile profile(String id) {
        return new Profile(id, name(id));
    }

    /** A value of {@code size} characters. */
    @GCached(keyType = "item", id = "id", useCase = "Big", remoteTtl = "1m", remoteRamp = 100)
    public String big(String id, int size) {
        reads.incrementAndGet();
        return "x".repeat(size);
    }

    @GCacheInvalidate(keyType = "item", id = "id")
    public void rename(String id, String name) {
        names.put(id, name);
    }
}
