package io.quarkiverse.gcache.test.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow.Result;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Shadow verification (reference R22): a drawn hit also runs the method off the caller's path and compares; a
 * mismatch is counted and deletes the key; callers never wait for it and never see its failures.
 */
class ShadowVerificationTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Db.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"ShadowSync\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"ShadowUni\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"ShadowRemote\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"ShadowRemote\".local.ramp", "0")
            .overrideConfigKey("quarkus.gcache.use-case.\"ShadowClock\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.shadow.min-samples", "200");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    /** The application's database: values by id, and how often each method ran. Writes do not invalidate. */
    @Singleton
    static class Db {
        final Map<String, String> rows = new ConcurrentHashMap<>();
        final AtomicInteger syncRuns = new AtomicInteger();
        final AtomicInteger uniRuns = new AtomicInteger();
        final AtomicInteger remoteRuns = new AtomicInteger();
        final AtomicInteger plainRuns = new AtomicInteger();
        /** When set, the next runs of {@code sync} block until it opens (count 0), after counting down entered. */
        volatile CountDownLatch gate;
        volatile CountDownLatch entered;
        volatile boolean failing;

        @GCached(keyType = "row_id", useCase = "ShadowSync", localTtl = "10m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public String sync(@GCacheId String id) throws InterruptedException {
            syncRuns.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                entered.countDown();
                g.await(30, TimeUnit.SECONDS);
            }
            if (failing) {
                throw new IllegalStateException("database down");
            }
            return rows.get(id);
        }

        @GCached(keyType = "row_id", useCase = "ShadowUni", localTtl = "10m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public Uni<String> reactive(@GCacheId String id) {
            uniRuns.incrementAndGet();
            return Uni.createFrom().item(() -> rows.get(id));
        }

        @GCached(keyType = "row_id", useCase = "ShadowRemote", localTtl = "10m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public String remote(@GCacheId String id) {
            remoteRuns.incrementAndGet();
            return rows.get(id);
        }

        /** A source whose value changes every 2 s from its first read. */
        volatile long clockStart;

        @GCached(keyType = "row_id", useCase = "ShadowClock", localTtl = "10m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public String clock(@GCacheId String id) {
            if (clockStart == 0) {
                clockStart = System.nanoTime();
            }
            return id + "@" + (System.nanoTime() - clockStart) / 2_000_000_000L;
        }

        @GCached(keyType = "row_id", useCase = "ShadowOff", localTtl = "10m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
        public String plain(@GCacheId String id) {
            plainRuns.incrementAndGet();
            return rows.get(id);
        }
    }

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Db db;
    @Inject
    MeterRegistry registry;

    @BeforeEach
    void reset() {
        gcache.flushAll();
        db.gate = null;
        db.failing = false;
    }

    @Test
    void aMismatchIsCountedDeletesTheKeyAndNeverDelaysTheCaller() throws Exception {
        UseCase uc = runtime.useCase("ShadowSync");
        long mismatches = uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH);
        db.rows.put("m1", "old");
        assertThat(call(() -> db.sync("m1"))).isEqualTo("old");
        await().atMost(Duration.ofSeconds(10)).until(() -> redisHas("ShadowSync", "m1"));
        int runs = db.syncRuns.get();

        db.rows.put("m1", "new"); // behind the cache's back: no invalidation
        db.entered = new CountDownLatch(1);
        db.gate = new CountDownLatch(1);
        // The hit returns the cached value while its shadow run is held inside the method: the caller did not wait.
        assertThat(call(() -> db.sync("m1"))).isEqualTo("old");
        assertThat(db.entered.await(10, TimeUnit.SECONDS)).as("the shadow run started").isTrue();
        assertThat(uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH)).isEqualTo(mismatches);
        db.gate.countDown();
        db.gate = null;

        await().atMost(Duration.ofSeconds(10))
                .until(() -> uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH) == mismatches + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !redisHas("ShadowSync", "m1"));
        assertThat(uc.localKeys()).isEmpty();
        // the key was deleted: the next call computes the new value
        assertThat(call(() -> db.sync("m1"))).isEqualTo("new");
        assertThat(db.syncRuns.get()).isEqualTo(runs + 2); // the shadow run and the recomputation
        assertThat(registry.get("gcache.shadow").tag("use_case", "ShadowSync").tag("layer", "LOCAL")
                .tag("result", "mismatch").functionCounter().count()).isEqualTo(mismatches + 1);
        assertThat(registry.get("gcache.shadow.age").tag("use_case", "ShadowSync").tag("layer", "LOCAL")
                .tag("result", "mismatch").summary().count()).isEqualTo(mismatches + 1);
    }

    @Test
    void aMatchIsCountedWithTheValuesAgeAndKeepsTheKey() throws Exception {
        UseCase uc = runtime.useCase("ShadowSync");
        long matches = uc.shadow().count(StatLayer.LOCAL, Result.MATCH);
        db.rows.put("s1", "same");
        call(() -> db.sync("s1"));
        assertThat(call(() -> db.sync("s1"))).isEqualTo("same");
        await().atMost(Duration.ofSeconds(10)).until(() -> uc.shadow().count(StatLayer.LOCAL, Result.MATCH) == matches + 1);
        assertThat(uc.localKeys()).hasSize(1);
        assertThat(registry.get("gcache.shadow.age").tag("use_case", "ShadowSync").tag("layer", "LOCAL")
                .tag("result", "match").summary().max()).isGreaterThan(0);
    }

    @Test
    void atMostOneRunPerKeyAtATime() throws Exception {
        UseCase uc = runtime.useCase("ShadowSync");
        db.rows.put("k1", "v");
        call(() -> db.sync("k1"));
        int runs = db.syncRuns.get();
        long skipped = uc.shadow().skipped();
        db.entered = new CountDownLatch(1);
        db.gate = new CountDownLatch(1);
        call(() -> db.sync("k1"));
        assertThat(db.entered.await(10, TimeUnit.SECONDS)).isTrue();
        call(() -> db.sync("k1")); // drawn too, but the key's run is under way
        call(() -> db.sync("k1"));
        assertThat(uc.shadow().skipped()).isEqualTo(skipped + 2);
        assertThat(db.syncRuns.get()).isEqualTo(runs + 1);
        long matches = uc.shadow().count(StatLayer.LOCAL, Result.MATCH);
        db.gate.countDown();
        db.gate = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> uc.shadow().count(StatLayer.LOCAL, Result.MATCH) == matches + 1);
    }

    @Test
    void aShadowRunThatThrowsIsCountedAndNeverReachesTheCaller() throws Exception {
        UseCase uc = runtime.useCase("ShadowSync");
        db.rows.put("e1", "v");
        call(() -> db.sync("e1"));
        long errors = uc.shadow().count(StatLayer.LOCAL, Result.ERROR);
        db.failing = true;
        assertThat(call(() -> db.sync("e1"))).isEqualTo("v");
        await().atMost(Duration.ofSeconds(10)).until(() -> uc.shadow().count(StatLayer.LOCAL, Result.ERROR) == errors + 1);
        assertThat(uc.localKeys()).as("an error is no mismatch: the key stays").hasSize(1);
    }

    @Test
    void reactiveHitsAreVerifiedOnTheirOwnSubscription() {
        UseCase uc = runtime.useCase("ShadowUni");
        long mismatches = uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH);
        db.rows.put("u1", "old");
        assertThat(callUni("u1")).isEqualTo("old");
        int runs = db.uniRuns.get();
        db.rows.put("u1", "new");
        assertThat(callUni("u1")).isEqualTo("old");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH) == mismatches + 1);
        assertThat(db.uniRuns.get()).isEqualTo(runs + 1);
        assertThat(callUni("u1")).isEqualTo("new");
    }

    @Test
    void remoteHitsAreVerifiedWithTheirAgeInRedis() throws Exception {
        UseCase uc = runtime.useCase("ShadowRemote");
        long matches = uc.shadow().count(StatLayer.REMOTE, Result.MATCH);
        long mismatches = uc.shadow().count(StatLayer.REMOTE, Result.MISMATCH);
        db.rows.put("r1", "v1");
        call(() -> db.remote("r1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> redisHas("ShadowRemote", "r1"));
        assertThat(call(() -> db.remote("r1"))).isEqualTo("v1"); // a REMOTE hit (LOCAL ramped to 0)
        await().atMost(Duration.ofSeconds(10)).until(() -> uc.shadow().count(StatLayer.REMOTE, Result.MATCH) == matches + 1);
        db.rows.put("r1", "v2");
        assertThat(call(() -> db.remote("r1"))).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> uc.shadow().count(StatLayer.REMOTE, Result.MISMATCH) == mismatches + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !redisHas("ShadowRemote", "r1"));
        assertThat(call(() -> db.remote("r1"))).isEqualTo("v2");
    }

    @Test
    void rampZeroRunsNothingAndTheOverrideIsFleetWide() throws Exception {
        UseCase uc = runtime.useCase("ShadowOff");
        db.rows.put("o1", "v");
        call(() -> db.plain("o1"));
        for (int i = 0; i < 200; i++) {
            assertThat(call(() -> db.plain("o1"))).isEqualTo("v");
        }
        assertThat(db.plainRuns).as("ramp 0: no shadow run").hasValue(1);
        assertThat(uc.shadow().skipped()).isZero();

        gcache.control().overrideShadowRamp("ShadowOff", 100);
        assertThat(REDIS.call("HGET", "gcache:overrides:urn", "ShadowOff#SHADOW")).isEqualTo("|100");
        GCacheControl.ShadowInfo info = gcache.control().useCase("ShadowOff").shadow();
        assertThat(info.ramp()).isEqualTo(100);
        assertThat(info.rampSource()).isEqualTo(GCacheControl.Source.OVERRIDE);
        call(() -> db.plain("o1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> uc.shadow().count(StatLayer.LOCAL, Result.MATCH) == 1);
        assertThat(db.plainRuns).hasValue(2);

        gcache.control().overrideShadowRamp("ShadowOff", null);
        // R27: an explicit clear is stored as "|", told apart from a loss
        assertThat(REDIS.call("HGET", "gcache:overrides:urn", "ShadowOff#SHADOW")).isEqualTo("|");
        assertThat(gcache.control().useCase("ShadowOff").shadow().rampSource()).isEqualTo(GCacheControl.Source.NONE);
        for (int i = 0; i < 50; i++) {
            call(() -> db.plain("o1"));
        }
        assertThat(db.plainRuns).hasValue(2);
    }

    /** R23: values that change every 2 s: the advisor's suggestion for LOCAL settles at about 2 s. */
    @Test
    void theTtlAdvisorFindsHowLongValuesStayRight() throws Exception {
        UseCase uc = runtime.useCase("ShadowClock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        GCacheControl.ShadowLayerInfo local;
        do {
            call(() -> db.clock("c1"));
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a steady load
            local = gcache.control().useCase("ShadowClock").shadow().layers().get("LOCAL");
        } while ((local.suggestedTtl() == null || local.mismatches() < 3) && System.nanoTime() < deadline);
        System.out.printf("GCACHE TTL advisor: values change every 2 s; suggested %s (%s) from %d samples, %d mismatches%n",
                local.suggestedTtl(), local.suggestedAtLeast() ? "at least" : "largest right age", local.samples(),
                local.mismatches());
        assertThat(local.suggestedTtl()).isBetween(Duration.ofMillis(1500), Duration.ofMillis(2500));
        assertThat(uc.shadow().count(StatLayer.LOCAL, Result.MISMATCH)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void badShadowRampsAreRefused() {
        org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> gcache.control().overrideShadowRamp("ShadowOff", 101))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> gcache.control().overrideShadowRamp("NoSuchUseCase", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean redisHas(String useCase, String id) {
        return REDIS.keys().stream().anyMatch(k -> k.contains(useCase) && k.contains(id));
    }

    interface Call<T> {
        T get() throws Exception;
    }

    private <T> T call(Call<T> c) throws Exception {
        try (GCache.Scope scope = gcache.enable()) {
            return c.get();
        }
    }

    private String callUni(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return db.reactive(id).await().atMost(Duration.ofSeconds(5));
        }
    }
}
