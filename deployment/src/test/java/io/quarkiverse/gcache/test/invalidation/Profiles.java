package io.quarkiverse.gcache.test.invalidation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;

/** A "database" of profile names with cached reads and invalidating writes. */
@Singleton
public class Profiles {

    public record Update(String userId, String name) {
    }

    public final Map<String, String> source = new ConcurrentHashMap<>();
    public final AtomicInteger reads = new AtomicInteger();
    /** When set, a read waits on it after reading the source (to interleave a write). */
    public volatile CountDownLatch readGate;
    public volatile CountDownLatch readStarted;

    @GCached(keyType = "user_id", id = "id", useCase = "Profile", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    public String get(String id) throws InterruptedException {
        reads.incrementAndGet();
        String value = source.get(id);
        CountDownLatch gate = readGate;
        if (gate != null) {
            readStarted.countDown();
            gate.await(10, TimeUnit.SECONDS);
        }
        return value;
    }

    @GCached(keyType = "user_id", id = "id", useCase = "ProfileRemote", localRamp = 0, remoteTtl = "10m", remoteRamp = 100)
    public String remoteOnly(String id) {
        reads.incrementAndGet();
        return source.get(id);
    }

    @GCached(keyType = "user_id", id = "id", useCase = "ProfileUntracked", localTtl = "5m", localRamp = 100, trackForInvalidation = false)
    public String untracked(String id) {
        reads.incrementAndGet();
        return source.get(id);
    }

    /** A use case with a key argument: an entity has a LOCAL entry per page. */
    @GCached(keyType = "user_id", id = "id", useCase = "ProfilePage", localTtl = "5m", localRamp = 100)
    public String page(String id, int page) {
        reads.incrementAndGet();
        return source.get(id) + "#" + page;
    }

    @GCacheInvalidate(keyType = "user_id", id = "update.userId")
    public void update(Update update) {
        if (update.name() == null) {
            throw new IllegalArgumentException("name required");
        }
        source.put(update.userId(), update.name());
    }

    @GCacheInvalidate(keyType = "user_id")
    public Uni<Void> rename(@GCacheId String userId, String name) {
        return Uni.createFrom().item(() -> {
            source.put(userId, name);
            return null;
        });
    }
}
