package io.quarkiverse.gcache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheKey;

/** Rows 1–4: LOCAL hits through @GCached, quarkus-cache's @CacheResult, and raw Caffeine as the floor. */
@State(Scope.Thread)
public class LocalHits extends ScopedHits {

    // Non-final fields: JMH cannot constant-fold them into the benchmark methods.
    String id = "42";
    String region = "eu";
    int page = 2;
    String sort = "new";

    Cache<String, User> caffeine;
    /**
     * Caffeine with a TTL per entry ({@code expireAfter}), as the LOCAL layer had it until it took one TTL per use case
     * ({@code expireAfterWrite}, as row 4): what that choice saves on every hit.
     */
    Cache<String, User> caffeinePerEntryTtl;
    String caffeineKey;

    @Setup(Level.Trial)
    public void prime() {
        lookUp();
        try (GCache.Scope s = gcache.enable()) {
            subject.hit(id);
            subject.hit3(id, region, page, sort);
        }
        subject.cacheResult(id);
        caffeine = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
        caffeineKey = GCacheKey.of("user_id", id, "Hit").urn(); // the key @GCached builds for row 1
        caffeine.put(caffeineKey, Subject.VALUE);
        caffeinePerEntryTtl = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000)
                .expireAfter(new Expiry<String, User>() {
                    @Override
                    public long expireAfterCreate(String key, User value, long currentTime) {
                        return 0;
                    }

                    @Override
                    public long expireAfterUpdate(String key, User value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(String key, User value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                }).build();
        caffeinePerEntryTtl.policy().expireVariably().orElseThrow().put(id, Subject.VALUE, 10, TimeUnit.MINUTES);
        Body.reset();
    }

    @Override
    Body[] hitBodies() {
        return new Body[] { Body.HIT, Body.HIT3, Body.CACHE_RESULT };
    }

    @Benchmark
    public User gcachedHit() {
        return subject.hit(id);
    }

    @Benchmark
    public User gcachedHit3Args() {
        return subject.hit3(id, region, page, sort);
    }

    @Benchmark
    public User cacheResultHit() {
        return subject.cacheResult(id);
    }

    /** Row 4b: a lookup with a TTL per entry, on the local key row 1 uses (the id). */
    @Benchmark
    public User caffeinePerEntryTtl() {
        User user = caffeinePerEntryTtl.getIfPresent(id);
        if (user == null) {
            throw new IllegalStateException("raw Caffeine missed");
        }
        return user;
    }

    @Benchmark
    public User caffeineGetIfPresent() {
        User user = caffeine.getIfPresent(caffeineKey);
        if (user == null) {
            throw new IllegalStateException("raw Caffeine missed");
        }
        return user;
    }
}
