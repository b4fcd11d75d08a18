package io.quarkiverse.gcache.benchmarks;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkiverse.gcache.GCached;
import io.quarkus.arc.Unremovable;
import io.quarkus.cache.CacheResult;

/** Methods the memory probe fills; every one returns the same instance, so only the caches' own overhead counts. */
@ApplicationScoped
@Unremovable
public class MemorySubject {

    @GCached(keyType = "user_id", id = "id", useCase = "Mem1", localTtl = "10m", localRamp = 100)
    public User gcache1(String id) {
        Body.MEMORY.ran();
        return Subject.VALUE;
    }

    @GCached(keyType = "user_id", id = "id", useCase = "Mem10", localTtl = "10m", localRamp = 100)
    public User gcache10(String id, int page) {
        Body.MEMORY.ran();
        return Subject.VALUE;
    }

    @CacheResult(cacheName = "mem1")
    public User quarkus1(String id) {
        Body.MEMORY.ran();
        return Subject.VALUE;
    }

    @CacheResult(cacheName = "mem10")
    public User quarkus10(String id, int page) {
        Body.MEMORY.ran();
        return Subject.VALUE;
    }
}
