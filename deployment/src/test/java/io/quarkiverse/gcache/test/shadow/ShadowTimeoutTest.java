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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow.Result;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Shadow verification (reference R22) with a method that hangs: an overdue run is counted as an error and gives its
 * slot up, so verification goes on; no more overdue runs give their slot up than {@code max-concurrent}, so hung
 * methods cannot take the worker pool.
 */
class ShadowTimeoutTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Db.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"Hanging\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"HangingUni\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.shadow.max-concurrent", "1")
            .overrideConfigKey("quarkus.gcache.shadow.timeout", "3s");

    @Singleton
    static class Db {
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        /** When set, runs of ids starting with "hang" block until it opens, after counting down entered. */
        volatile CountDownLatch gate;
        volatile CountDownLatch entered;

        @GCached(keyType = "row_id", useCase = "Hanging", localTtl = "10m", localRamp = 100)
        public String get(@GCacheId String id) throws InterruptedException {
            runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            CountDownLatch g = gate;
            if (g != null && id.startsWith("hang")) {
                entered.countDown();
                g.await(30, TimeUnit.SECONDS);
            }
            return "row " + id;
        }

        /** When set, the Uni of ids starting with "never" never completes; its cancellations are counted. */
        volatile boolean unisHang;
        final AtomicInteger cancelled = new AtomicInteger();

        @GCached(keyType = "row_id", useCase = "HangingUni", localTtl = "10m", localRamp = 100)
        public Uni<String> reactive(@GCacheId String id) {
            if (unisHang && id.startsWith("never")) {
                return Uni.createFrom().<String> nothing().onCancellation().invoke(cancelled::incrementAndGet);
            }
            return Uni.createFrom().item("row " + id);
        }

        int runs(String id) {
            AtomicInteger n = runs.get(id);
            return n == null ? 0 : n.get();
        }
    }

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Db db;

    @Test
    void aHungRunGivesItsSlotUpAndItsLateResultIsIgnored() throws Exception {
        UseCaseShadow shadow = runtime.useCase("Hanging").shadow();
        for (String id : new String[] { "hang1", "hang2", "ok" }) {
            call(id); // computed by the caller, before any gate
        }
        long errors = count(shadow, Result.ERROR);
        long matches = count(shadow, Result.MATCH);
        db.gate = new CountDownLatch(1);
        db.entered = new CountDownLatch(1);
        try {
            assertThat(call("hang1")).isEqualTo("row hang1"); // the caller does not wait for its shadow run
            assertThat(db.entered.await(10, TimeUnit.SECONDS)).as("the shadow run of hang1 hangs").isTrue();
            long skipped = shadow.skipped();
            call("ok");
            assertThat(shadow.skipped()).as("the only slot is hang1's").isEqualTo(skipped + 1);

            await().atMost(Duration.ofSeconds(10)).until(() -> count(shadow, Result.ERROR) == errors + 1);
            int okRuns = db.runs("ok");
            call("ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(shadow, Result.MATCH) == matches + 1);
            assertThat(db.runs("ok")).isEqualTo(okRuns + 1);

            // hang1 still holds a thread: a second hung run keeps its slot past the timeout
            db.entered = new CountDownLatch(1);
            call("hang2");
            assertThat(db.entered.await(10, TimeUnit.SECONDS)).as("the shadow run of hang2 hangs").isTrue();
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(() -> count(shadow, Result.ERROR) == errors + 1);
            skipped = shadow.skipped();
            call("ok");
            assertThat(shadow.skipped()).as("hang2 kept its slot").isEqualTo(skipped + 1);
        } finally {
            db.gate.countDown();
        }
        // hang2 ends and is compared (or, if a later look at its deadline came first, counted as overdue); hang1's late
        // result is not counted at all
        long base = errors + matches;
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> count(shadow, Result.ERROR) + count(shadow, Result.MATCH) == base + 3);
        // one slot again, not two (no run gave its slot back twice): a new hung run takes it and the next hit is skipped
        db.gate = new CountDownLatch(1);
        db.entered = new CountDownLatch(1);
        try {
            call("hang1");
            assertThat(db.entered.await(10, TimeUnit.SECONDS)).as("the shadow run of hang1 hangs again").isTrue();
            long skipped = shadow.skipped();
            int okRuns = db.runs("ok");
            call("ok");
            assertThat(shadow.skipped()).isEqualTo(skipped + 1);
            assertThat(db.runs("ok")).isEqualTo(okRuns);
        } finally {
            db.gate.countDown();
        }
    }

    /**
     * A {@code Uni} run that never completes is cancelled at its deadline, which gives everything back: a second one
     * gets a slot and is cancelled in turn (with one overdue permit, the first would otherwise hold it for good).
     */
    @Test
    void aHungUniRunIsCancelledAndHoldsNothing() {
        UseCaseShadow shadow = runtime.useCase("HangingUni").shadow();
        assertThat(callUni("never1")).isEqualTo("row never1");
        assertThat(callUni("never2")).isEqualTo("row never2");
        long errors = count(shadow, Result.ERROR);
        int cancelled = db.cancelled.get();
        db.unisHang = true;
        try {
            assertThat(callUni("never1")).isEqualTo("row never1"); // its shadow run never completes
            await().atMost(Duration.ofSeconds(10)).until(() -> count(shadow, Result.ERROR) == errors + 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.cancelled.get() == cancelled + 1);
            assertThat(callUni("never2")).isEqualTo("row never2");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(shadow, Result.ERROR) == errors + 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> db.cancelled.get() == cancelled + 2);
        } finally {
            db.unisHang = false;
        }
    }

    private String callUni(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return db.reactive(id).await().atMost(Duration.ofSeconds(5));
        }
    }

    private static long count(UseCaseShadow shadow, Result result) {
        return shadow.count(StatLayer.LOCAL, result);
    }

    private String call(String id) throws Exception {
        try (GCache.Scope scope = gcache.enable()) {
            return db.get(id);
        }
    }
}
