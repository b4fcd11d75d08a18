package io.quarkiverse.gcache.test.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * R21 across instances: a REMOTE miss takes a lease; callers that find it taken wait for the value instead of
 * computing. LOCAL is ramped to 0 here, so concurrent callers of one process each go to REMOTE exactly as callers on
 * different instances do (the three-process test in integration-tests shows the same across processes).
 */
class LeaseTest {

    static final long METHOD_MILLIS = 200;

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Slow.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", "1s")
            .overrideConfigKey("quarkus.gcache.use-case.\"LeasedShadowed\".shadow.ramp", "100");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Singleton
    static class Slow {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger uniRuns = new AtomicInteger();
        volatile boolean failing;

        @GCached(keyType = "item_id", useCase = "Leased", remoteTtl = "10m", remoteRamp = 100)
        public String get(@GCacheId String id) {
            runs.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(METHOD_MILLIS)); // the method's own work
            if (failing) {
                throw new IllegalStateException("database down");
            }
            return "value-" + id;
        }

        final AtomicInteger shadowedRuns = new AtomicInteger();

        @GCached(keyType = "item_id", useCase = "LeasedShadowed", remoteTtl = "10m", remoteRamp = 100)
        public String shadowed(@GCacheId String id) {
            shadowedRuns.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(METHOD_MILLIS));
            return "shadowed-" + id;
        }

        @GCached(keyType = "item_id", useCase = "LeasedUni", remoteTtl = "10m", remoteRamp = 100)
        public Uni<String> reactive(@GCacheId String id) {
            return Uni.createFrom().item(() -> {
                uniRuns.incrementAndGet();
                return "uni-" + id;
            }).onItem().delayIt().by(Duration.ofMillis(METHOD_MILLIS));
        }
    }

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Slow slow;

    @Test
    void concurrentMissesOfOneKeyRunTheMethodOnce() throws Exception {
        int runs = slow.runs.get();
        List<String> values = concurrently(8, () -> slow.get("cold-1"));
        assertThat(values).containsOnly("value-cold-1").hasSize(8);
        assertThat(slow.runs).hasValue(runs + 1);
        // released after the value was stored (and it would expire on its own)
        await().atMost(Duration.ofSeconds(5))
                .until(() -> (Long) REDIS.call("EXISTS", "{urn:item_id:cold-1}#Leased#lease") == 0);
    }

    /**
     * R25 with R21: concurrent first reads of an entity without a watermark each find none, and one creates it; the
     * lease holder's value must be trusted by its waiters all the same. (When each reader created the watermark at its
     * own read's time, a later reader's could land first, above the holder's stamp: every waiter found the holder's
     * value untrusted and computed it again.)
     */
    @Test
    void concurrentFirstReadsOfNewEntitiesRunTheMethodOncePerEntity() throws Exception {
        for (int round = 0; round < 12; round++) {
            String id = "first-" + round;
            int runs = slow.runs.get();
            assertThat(concurrently(8, () -> slow.get(id))).containsOnly("value-" + id);
            assertThat(slow.runs).as("entity %s", id).hasValue(runs + 1);
            assertThat(REDIS.call("GET", "{urn:item_id:" + id + "}#watermark")).as("created by the first read").isNotNull();
        }
    }

    /**
     * A waiter's value comes from a later read than the one that missed: it is the one dated and shadowed (with the
     * missed read, a shadow draw threw at the caller).
     */
    @Test
    void waitersThatGetAnotherCallersValueAreVerifiedWithItsAge() throws Exception {
        List<String> values = concurrently(8, () -> slow.shadowed("cold-3"));
        assertThat(values).containsOnly("shadowed-cold-3").hasSize(8);
        UseCase uc = runtime.useCase("LeasedShadowed");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> uc.shadow().count(StatLayer.REMOTE, UseCaseShadow.Result.MATCH) >= 1);
        assertThat(uc.shadow().count(StatLayer.REMOTE, UseCaseShadow.Result.ERROR)).isZero();
        assertThat(uc.shadow().count(StatLayer.REMOTE, UseCaseShadow.Result.MISMATCH)).isZero();
    }

    @Test
    void reactiveMissesWaitWithoutBlocking() throws Exception {
        int runs = slow.uniRuns.get();
        List<String> values = concurrently(8, () -> slow.reactive("cold-2").await().atMost(Duration.ofSeconds(10)));
        assertThat(values).containsOnly("uni-cold-2").hasSize(8);
        assertThat(slow.uniRuns).hasValue(runs + 1);
    }

    @Test
    void aLeaseHeldElsewhereIsWaitedForAtMostTheTimeout() throws Exception {
        // another instance took the lease and never stores: the caller gives up after remote.timeout and computes
        REDIS.call("SET", "{urn:item_id:orphan}#Leased#lease", "another-instance", "PX", "60000");
        long waits = runtime.useCase("Leased").stats().disabledCount(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
        int runs = slow.runs.get();
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(slow.get("orphan")).isEqualTo("value-orphan");
        }
        assertThat(slow.runs).hasValue(runs + 1);
        assertThat(runtime.useCase("Leased").stats().disabledCount(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT))
                .isEqualTo(waits + 1);
    }

    @Test
    void aFailedComputationReleasesItsLease() {
        slow.failing = true;
        try (GCache.Scope scope = gcache.enable()) {
            assertThatThrownBy(() -> slow.get("failing")).hasMessage("database down");
        } finally {
            slow.failing = false;
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> (Long) REDIS.call("EXISTS", "{urn:item_id:failing}#Leased#lease") == 0);
    }

    /** Waiters see the lease end without a value and compute at once, instead of waiting out the timeout. */
    @Test
    void aComputationThatFailsLetsItsWaitersGoAtOnce() throws Exception {
        long waits = runtime.useCase("Leased").stats().disabledCount(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT);
        slow.failing = true;
        try {
            List<String> outcomes = concurrently(4, () -> {
                try {
                    return slow.get("failing-together");
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            });
            assertThat(outcomes).containsOnly("database down");
        } finally {
            slow.failing = false;
        }
        assertThat(runtime.useCase("Leased").stats().disabledCount(StatLayer.REMOTE, DisabledReason.WAIT_TIMEOUT))
                .as("no waiter waited until remote.timeout").isEqualTo(waits);
    }

    /** Runs {@code call} in {@code n} threads released together, each in an enable scope. */
    private <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (GCache.Scope scope = gcache.enable()) {
                        return call.call();
                    }
                }));
            }
            start.countDown();
            List<T> values = new ArrayList<>();
            for (Future<T> f : futures) {
                values.add(f.get(30, TimeUnit.SECONDS));
            }
            return values;
        } finally {
            pool.shutdownNow();
        }
    }
}
