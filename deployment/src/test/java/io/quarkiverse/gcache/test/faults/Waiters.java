package io.quarkiverse.gcache.test.faults;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;

/** Methods whose first call hangs until released, to strand callers waiting on it (R11a). */
@Singleton
public class Waiters {

    public final AtomicInteger calls = new AtomicInteger();
    public volatile CountDownLatch release = new CountDownLatch(1);
    public volatile CountDownLatch firstStarted = new CountDownLatch(1);

    @GCached(keyType = "w", id = "id", useCase = "WaitSync", localTtl = "1m", localRamp = 100)
    public String sync(String id) throws InterruptedException {
        hangIfFirst();
        return "v-" + id;
    }

    @GCached(keyType = "w", id = "id", useCase = "WaitUni", localTtl = "1m", localRamp = 100)
    public Uni<String> uni(String id) throws InterruptedException {
        if (calls.incrementAndGet() == 1) {
            firstStarted.countDown();
            CountDownLatch latch = release;
            return Uni.createFrom().emitter(e -> new Thread(() -> {
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                e.complete("v-" + id);
            }).start());
        }
        return Uni.createFrom().item("v-" + id);
    }

    private void hangIfFirst() throws InterruptedException {
        if (calls.incrementAndGet() == 1) {
            firstStarted.countDown();
            release.await(30, TimeUnit.SECONDS);
        }
    }
}
