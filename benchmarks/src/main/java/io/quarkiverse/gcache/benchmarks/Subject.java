package io.quarkiverse.gcache.benchmarks;

import jakarta.enterprise.context.ApplicationScoped;

import org.openjdk.jmh.infra.Blackhole;

import io.quarkiverse.gcache.GCached;
import io.quarkus.arc.Unremovable;
import io.quarkus.cache.CacheResult;

/**
 * The measured methods. Their bodies are identical (count, return a shared value) so that rows differ only in what
 * wraps them. All on one bean: every row pays the same client-proxy hop.
 */
@ApplicationScoped
@Unremovable // looked up from JMH state objects, which ArC does not see as injection points
public class Subject {

    public static final User VALUE = new User("42", "Ada Lovelace", "ada@example.com");

    @GCached(keyType = "user_id", id = "id", useCase = "Hit", localTtl = "10m", localRamp = 100)
    public User hit(String id) {
        Body.HIT.ran();
        return VALUE;
    }

    /** Row 1L: the same hit, in a LOCAL cache filled past half its bound ({@link LargeCacheHits}). */
    @GCached(keyType = "user_id", id = "id", useCase = "Large", localTtl = "10m", localRamp = 100)
    public User large(String id) {
        Body.LARGE.ran();
        return VALUE;
    }

    @GCached(keyType = "user_id", id = "id", useCase = "Hit3", localTtl = "10m", localRamp = 100)
    public User hit3(String id, String region, int page, String sort) {
        Body.HIT3.ran();
        return VALUE;
    }

    @CacheResult(cacheName = "x")
    public User cacheResult(String id) {
        Body.CACHE_RESULT.ran();
        return VALUE;
    }

    @Noop
    public User noop(String id) {
        Body.NOOP.ran();
        return VALUE;
    }

    public User plain(String id) {
        Body.PLAIN.ran();
        return VALUE;
    }

    /**
     * Rows 5d–5f: the three wrappings of rows 5a–5c around a method that works (burns {@link #WORK} of JMH's CPU
     * tokens, about 175 ns here), as a method worth caching does. GCache's cost outside a scope is the same absolute
     * number of nanoseconds; this shows what it is relative to a method that is not empty.
     */
    static final long WORK = 90;

    @GCached(keyType = "user_id", id = "id", useCase = "Work", localTtl = "10m", localRamp = 100)
    public User hitWork(String id) {
        Body.WORK.ran();
        Blackhole.consumeCPU(WORK);
        return VALUE;
    }

    @Noop
    public User noopWork(String id) {
        Body.WORK.ran();
        Blackhole.consumeCPU(WORK);
        return VALUE;
    }

    public User plainWork(String id) {
        Body.WORK.ran();
        Blackhole.consumeCPU(WORK);
        return VALUE;
    }

    @GCached(keyType = "user_id", id = "id", useCase = "Remote", localTtl = "10m", localRamp = 0, remoteTtl = "10m", remoteRamp = 100)
    public User remote(String id) {
        Body.REMOTE.ran();
        return VALUE;
    }
}
