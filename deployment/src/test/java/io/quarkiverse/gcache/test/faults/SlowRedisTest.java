package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A slow Redis (reference rule R10): while Redis does not answer (CLIENT PAUSE, DEBUG SLEEP), every call returns
 * the method's value within {@code remote.timeout} plus the method's own time.
 */
class SlowRedisTest {

    static final long TIMEOUT_MS = 250;
    /** How long Redis does not answer: every call of the test starts within its first 1.5 s. */
    static final long FAULT_SECONDS = 3;
    /**
     * Allowance for a JIT compilation, a GC pause or thread scheduling on a loaded 2-core machine (CI once measured
     * 485 ms for the first call against a 452 ms bound). The bound, timeout + method + this, stays far below the
     * 1.5 s a call that waited for Redis would at least take.
     */
    static final long SCHEDULING_MS = 600;

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", TIMEOUT_MS + "ms");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    Catalog catalog;
    @Inject
    GCacheRuntime runtime;

    @Test
    void clientPauseBoundsEveryCall() {
        REDIS.call("CLIENT", "PAUSE", String.valueOf(FAULT_SECONDS * 1000), "ALL");
        try {
            assertBounded("CLIENT PAUSE", "p");
        } finally {
            REDIS.call("CLIENT", "UNPAUSE");
        }
    }

    @Test
    void debugSleepBoundsEveryCall() {
        CompletableFuture<Object> sleep = CompletableFuture
                .supplyAsync(() -> REDIS.call("DEBUG", "SLEEP", String.valueOf(FAULT_SECONDS)));
        try {
            assertBounded("DEBUG SLEEP", "s");
        } finally {
            sleep.join();
        }
    }

    /** Each fault starts with REMOTE in use: a previous one may have opened the breaker; a probe closes it. */
    @BeforeEach
    void remoteInUse() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (GCache.Scope scope = gcache.enable()) {
                catalog.remoteOnly("warm-up");
            }
            return !runtime.remote().breaker().isOpen();
        });
    }

    private void assertBounded(String fault, String prefix) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = prefix + i;
            for (int which = 0; which < 3; which++) {
                long t0 = System.nanoTime();
                try (GCache.Scope scope = gcache.enable()) {
                    String value = switch (which) {
                        case 0 -> catalog.both(id);
                        case 1 -> catalog.remoteOnly(id);
                        default -> catalog.reactive(id).await().atMost(Duration.ofSeconds(5));
                    };
                    assertThat(value).isEqualTo("name-" + id);
                }
                millis.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
            }
        }
        System.out.printf("GCACHE slow Redis (%s): call times %s ms (timeout %d ms, method %d ms)%n", fault, millis,
                TIMEOUT_MS, Catalog.METHOD_MILLIS);
        assertThat(millis).allSatisfy(
                ms -> assertThat(ms).isLessThanOrEqualTo(TIMEOUT_MS + Catalog.METHOD_MILLIS + SCHEDULING_MS));
    }
}
