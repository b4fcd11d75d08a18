package io.quarkiverse.gcache.benchmarks;

import java.time.Duration;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkiverse.gcache.GCache;

/**
 * Rows 1L and 4L: row 1's hit and row 4's raw read, in caches filled past half their bound (600,000 entries of
 * 1,000,000, the application's {@code local.maximum-size}). From half full on, Caffeine sizes its frequency sketch and
 * records every read for it, whatever the expiry, so both rows pay that; rows 1 and 4 measure caches of one entry.
 */
@State(Scope.Thread)
public class LargeCacheHits extends ScopedHits {

    static final int ENTRIES = 600_000;

    String id = "42";
    Cache<String, User> caffeine;

    @Setup(Level.Trial)
    public void fill() {
        lookUp();
        // the same bound, TTL and maintenance executor as the LOCAL layer; keys as LOCAL's (the escaped id)
        caffeine = Caffeine.newBuilder().executor(Runnable::run).maximumSize(1_000_000)
                .expireAfterWrite(Duration.ofMinutes(10)).build();
        try (GCache.Scope s = gcache.enable()) {
            for (int i = 0; i < ENTRIES; i++) {
                String key = String.valueOf(i);
                subject.large(key);
                caffeine.put(key, Subject.VALUE);
            }
        }
        caffeine.cleanUp();
        if (caffeine.estimatedSize() != ENTRIES) {
            throw new IllegalStateException("raw Caffeine holds " + caffeine.estimatedSize() + " entries");
        }
        Body.reset();
    }

    @Override
    Body[] hitBodies() {
        return new Body[] { Body.LARGE };
    }

    @Benchmark
    public User gcachedHit() {
        return subject.large(id);
    }

    @Benchmark
    public User caffeineGetIfPresent() {
        User user = caffeine.getIfPresent(id);
        if (user == null) {
            throw new IllegalStateException("raw Caffeine missed");
        }
        return user;
    }
}
