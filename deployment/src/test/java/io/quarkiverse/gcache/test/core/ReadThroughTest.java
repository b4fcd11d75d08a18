package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseStats;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.core.Services.Rec;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Read-through behaviour against a real (private) Redis: R1, R2, R3, R9, R11, R12, R14. */
class ReadThroughTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Services.class, Services.Rec.class, Services.Users.class,
            Services.Ramps.class, Services.Provider.class, Services.Values.class, Services.Reactive.class,
            Services.EnabledFacade.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"RampFromProperties\".local.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"RampFromProvider\".local.ramp", "0");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Services.Users users;
    @Inject
    Services.Ramps ramps;
    @Inject
    Services.Values values;
    @Inject
    Services.Reactive reactive;
    @Inject
    Services.EnabledFacade facade;
    @Inject
    Vertx vertx;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        users.calls.set(0);
        values.calls.set(0);
        reactive.calls.set(0);
    }

    UseCaseStats stats(String useCase) {
        return runtime.useCase(useCase).stats();
    }

    <T> T enabled(Supplier<T> call) {
        try (GCache.Scope scope = gcache.enable()) {
            return call.get();
        }
    }

    // ---- R1 ----------------------------------------------------------------------------------------------

    @Test
    void outsideAScopeNothingIsReadOrWritten() {
        long disabledBefore = stats("GetUser").disabledCount(StatLayer.GLOBAL, DisabledReason.CONTEXT);
        assertThat(users.get("1")).isEqualTo("user-1");
        assertThat(users.get("1")).isEqualTo("user-1");
        assertThat(users.calls).hasValue(2);
        assertThat(REDIS.keys()).noneMatch(k -> k.contains("GetUser"));
        assertThat(runtime.useCase("GetUser").localLayer().size()).isZero();
        assertThat(stats("GetUser").disabledCount(StatLayer.GLOBAL, DisabledReason.CONTEXT) - disabledBefore)
                .isEqualTo(2);
    }

    @Test
    void insideAScopeTheSecondCallIsServedFromCache() {
        assertThat(enabled(() -> users.get("2"))).isEqualTo("user-2");
        assertThat(enabled(() -> users.get("2"))).isEqualTo("user-2");
        assertThat(users.calls).hasValue(1);
        await().until(() -> exists("{urn:user_id:2}#GetUser"));
    }

    @Test
    void nestedDisableBypassesTheCache() {
        try (GCache.Scope outer = gcache.enable()) {
            users.get("3");
            try (GCache.Scope inner = gcache.disable()) {
                assertThat(gcache.isEnabled()).isFalse();
                users.get("3");
                users.get("3");
            }
            assertThat(gcache.isEnabled()).isTrue();
            users.get("3");
        }
        assertThat(gcache.isEnabled()).isFalse();
        assertThat(users.calls).hasValue(3);
    }

    @Test
    void gcacheEnabledOnABeanMethodEnablesItsCallsAndTheUniItReturns() {
        assertThat(facade.user("9")).isEqualTo("user-9");
        assertThat(facade.user("9")).isEqualTo("user-9");
        assertThat(users.calls).hasValue(1);
        assertThat(gcache.isEnabled()).isFalse();

        Uni<Rec> first = facade.lazyUni("l");
        Uni<Rec> second = facade.lazyUni("l");
        assertThat(first.await().indefinitely()).isEqualTo(new Rec("l", 1)); // subscribed outside any scope
        assertThat(second.await().indefinitely()).isEqualTo(new Rec("l", 1));
        assertThat(reactive.calls).hasValue(1);
        users.get("9"); // outside: not cached
        assertThat(users.calls).hasValue(2);
    }

    @Test
    void scopesRestoreAfterExceptions() {
        assertThatThrownBy(() -> {
            try (GCache.Scope scope = gcache.enable()) {
                throw new IllegalStateException("inside");
            }
        }).hasMessage("inside");
        assertThat(gcache.isEnabled()).isFalse();
        try (GCache.Scope outer = gcache.enable()) {
            assertThatThrownBy(() -> {
                try (GCache.Scope inner = gcache.disable()) {
                    throw new IllegalStateException("nested");
                }
            }).hasMessage("nested");
            assertThat(gcache.isEnabled()).isTrue();
        }
        assertThat(gcache.isEnabled()).isFalse();
    }

    // ---- R2 / R3 -----------------------------------------------------------------------------------------

    @Test
    void rampZeroNeverCachesAndHundredAlways() {
        ramps.zero.set(0);
        ramps.hundred.set(0);
        for (int i = 0; i < 200; i++) {
            enabled(() -> ramps.zero("z"));
            enabled(() -> ramps.hundred("h"));
        }
        assertThat(ramps.zero).hasValue(200);
        assertThat(ramps.hundred).hasValue(1);
        assertThat(stats("RampZero").disabledCount(StatLayer.LOCAL, DisabledReason.RAMPED_DOWN)).isGreaterThanOrEqualTo(200);
    }

    @Test
    void rampThirtyCachesThirtyPercentOfCalls() {
        ramps.thirty.set(0);
        int n = 5000;
        for (int i = 0; i < n; i++) {
            enabled(() -> ramps.thirty("t"));
        }
        // A call that uses LOCAL is a hit (after the first); one ramped down runs the method.
        double cachedShare = 1.0 - (ramps.thirty.get() - 1) / (double) n;
        assertThat(cachedShare).isBetween(0.27, 0.33);
    }

    @Test
    void propertiesOverrideTheAnnotationAndTheProviderOverridesProperties() {
        ramps.fromProperties.set(0);
        ramps.fromProvider.set(0);
        for (int i = 0; i < 5; i++) {
            enabled(() -> ramps.fromProperties("p"));
            enabled(() -> ramps.fromProvider("p"));
        }
        assertThat(ramps.fromProperties).hasValue(1);
        assertThat(ramps.fromProvider).hasValue(1);
    }

    @Test
    void aLayerWithoutRampIsMissingConfig() {
        ramps.noRamp.set(0);
        enabled(() -> ramps.noRamp("n"));
        enabled(() -> ramps.noRamp("n"));
        assertThat(ramps.noRamp).hasValue(2);
        assertThat(stats("NoRamp").disabledCount(StatLayer.LOCAL, DisabledReason.MISSING_CONFIG)).isGreaterThanOrEqualTo(2);
        assertThat(stats("NoRamp").disabledCount(StatLayer.REMOTE, DisabledReason.MISSING_CONFIG)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aLocalHitDoesNotTouchRedis() {
        enabled(() -> users.get("4"));
        // the miss's last commands: the value's write, then the end of its lease (R21)
        await().until(() -> exists("{urn:user_id:4}#GetUser") && !exists("{urn:user_id:4}#GetUser#lease"));
        long before = redisReads();
        for (int i = 0; i < 50; i++) {
            assertThat(enabled(() -> users.get("4"))).isEqualTo("user-4");
        }
        assertThat(redisReads() - before).isZero();
        assertThat(users.calls).hasValue(1);
    }

    @Test
    void aRemoteHitFillsLocal() {
        enabled(() -> users.get("5"));
        await().until(() -> exists("{urn:user_id:5}#GetUser"));
        runtime.useCase("GetUser").localLayer().clear();
        long remoteRequests = stats("GetUser").requests(StatLayer.REMOTE);
        long remoteMisses = stats("GetUser").misses(StatLayer.REMOTE);
        assertThat(enabled(() -> users.get("5"))).isEqualTo("user-5"); // REMOTE hit
        assertThat(stats("GetUser").requests(StatLayer.REMOTE)).isEqualTo(remoteRequests + 1);
        assertThat(stats("GetUser").misses(StatLayer.REMOTE)).isEqualTo(remoteMisses);
        REDIS.flushAll();
        assertThat(enabled(() -> users.get("5"))).isEqualTo("user-5"); // now served by LOCAL
        assertThat(users.calls).hasValue(1);
        assertThat(stats("GetUser").requests(StatLayer.REMOTE)).isEqualTo(remoteRequests + 1);
    }

    // ---- R9 ----------------------------------------------------------------------------------------------

    @Test
    void exceptionsPropagateUnchangedAndAreNotCached() {
        IllegalArgumentException failure = new IllegalArgumentException("no such user");
        users.failNext = failure;
        assertThatThrownBy(() -> enabled(() -> users.get("6"))).isSameAs(failure);
        assertThat(enabled(() -> users.get("6"))).isEqualTo("user-6");
        assertThat(users.calls).hasValue(2);
    }

    @Test
    void nullResultsAreCachedAsNull() {
        assertThat(enabled(() -> users.nullable("7"))).isNull();
        assertThat(enabled(() -> users.nullable("7"))).isNull();
        assertThat(users.calls).hasValue(1);
        await().until(() -> exists("{urn:user_id:7}#Nullable"));
        runtime.useCase("Nullable").localLayer().clear();
        assertThat(enabled(() -> users.nullable("7"))).isNull(); // REMOTE hit of a cached null
        assertThat(users.calls).hasValue(1);
    }

    // ---- R11 ---------------------------------------------------------------------------------------------

    @Test
    void concurrentLocalMissesRunTheMethodOnce() throws Exception {
        users.gate = new CountDownLatch(1);
        long requestsBefore = stats("Slow").requests(StatLayer.LOCAL);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> enabled(() -> {
                    try {
                        return users.slow("8");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })));
            }
            await().until(() -> stats("Slow").requests(StatLayer.LOCAL) - requestsBefore == 8);
            users.gate.countDown();
            for (Future<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("slow-8");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(users.calls).hasValue(1);
    }

    // ---- R14 ---------------------------------------------------------------------------------------------

    @Test
    void genericValuesRoundTripThroughRemote() {
        assertThat(enabled(() -> values.list("a"))).isEqualTo(List.of(new Rec("a", 1), new Rec("a", 2)));
        await().until(() -> exists("{urn:v:a}#ListOfRecords"));
        List<Rec> list = enabled(() -> values.list("a"));
        assertThat(list).isEqualTo(List.of(new Rec("a", 1), new Rec("a", 2)));
        assertThat(list.get(0)).isInstanceOf(Rec.class);

        enabled(() -> values.map("b"));
        await().until(() -> exists("{urn:v:b}#MapOfRecords"));
        assertThat(enabled(() -> values.map("b"))).containsEntry("a", new Rec("b", 1)).containsEntry("b", new Rec("b", 2));

        enabled(() -> values.optional("c"));
        enabled(() -> values.optional(""));
        await().until(() -> exists("{urn:v:c}#OptionalRecord") && exists("{urn:v:}#OptionalRecord"));
        assertThat(enabled(() -> values.optional("c"))).contains(new Rec("c", 7));
        assertThat(enabled(() -> values.optional(""))).isEmpty();

        enabled(() -> values.nested("d"));
        enabled(() -> values.primitive("e"));
        await().until(() -> exists("{urn:v:d}#Nested") && exists("{urn:v:e}#Primitive"));
        assertThat(enabled(() -> values.nested("d")).get("x")).containsExactly(Optional.of(new Rec("d", 3)),
                Optional.empty());
        assertThat(enabled(() -> values.primitive("e"))).isEqualTo(42L);

        assertThat(values.calls).hasValue(6); // every second call was a REMOTE hit
    }

    @Test
    void aCorruptEntryIsAMissAnErrorAndIsOverwritten() {
        REDIS.call("SET", "{urn:v:z}#ListOfRecords", "not a gcache value");
        long errors = stats("ListOfRecords").errors(StatLayer.REMOTE);
        assertThat(enabled(() -> values.list("z"))).hasSize(2);
        assertThat(values.calls).hasValue(1);
        assertThat(stats("ListOfRecords").errors(StatLayer.REMOTE)).isEqualTo(errors + 1);
        await().until(() -> ((String) REDIS.call("GET", "{urn:v:z}#ListOfRecords")).startsWith("G"));
        assertThat(enabled(() -> values.list("z"))).hasSize(2);
        assertThat(values.calls).hasValue(1);
    }

    // ---- R12 ---------------------------------------------------------------------------------------------

    @Test
    void uniAndCompletionStageAreCachedOnAnEventLoopWithoutBlocking() throws Exception {
        assertThat(onEventLoop(() -> reactive.uni("u"))).isEqualTo(new Rec("u", 1));
        assertThat(onEventLoop(() -> reactive.uni("u"))).isEqualTo(new Rec("u", 1));
        assertThat(onEventLoop(() -> reactive.uniRemote("r"))).containsExactly(new Rec("r", 1));
        await().until(() -> REDIS.keys().contains("{urn:user_id:r}#UniRemoteOnly"));
        assertThat(onEventLoop(() -> reactive.uniRemote("r"))).containsExactly(new Rec("r", 1)); // REMOTE hit
        assertThat(onEventLoop(() -> Uni.createFrom().completionStage(reactive.stage("s")))).isEqualTo(new Rec("s", 2));
        assertThat(onEventLoop(() -> Uni.createFrom().completionStage(reactive.stage("s")))).isEqualTo(new Rec("s", 2));
        assertThat(onEventLoop(() -> Uni.createFrom().completionStage(reactive.future("f")))).isEqualTo(new Rec("f", 3));
        assertThat(onEventLoop(() -> Uni.createFrom().completionStage(reactive.future("f")))).isEqualTo(new Rec("f", 3));
        assertThat(reactive.calls).hasValue(4);
        assertThat(runtime.useCase("UniUser").stats().errors(StatLayer.REMOTE)).isZero();
    }

    @Test
    void anEnabledScopeFollowsAPipelineToAnotherThreadPool() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 3; i++) {
                Uni<Rec> hop;
                try (GCache.Scope scope = gcache.enable()) {
                    hop = Uni.createFrom().item("p").emitOn(pool).chain(id -> {
                        assertThat(Thread.currentThread().getName()).doesNotContain("main");
                        return reactive.uni(id);
                    });
                }
                assertThat(hop.await().atMost(java.time.Duration.ofSeconds(10))).isEqualTo(new Rec("p", 1));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reactive.calls).hasValue(1);
    }

    @Test
    void reactiveCallsOutsideAScopeAreNotCached() {
        reactive.uni("o").await().indefinitely();
        reactive.uni("o").await().indefinitely();
        reactive.stage("o").toCompletableFuture().join();
        assertThat(reactive.calls).hasValue(3);
        assertThat(REDIS.keys()).noneMatch(k -> k.contains(":o}"));
    }

    @Test
    void reactiveFailuresPropagateAndAreNotCached() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> onEventLoop(() -> reactive.failing("f")))
                    .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("boom f");
        }
        assertThat(reactive.calls).hasValue(2);
        assertThat(runtime.useCase("UniFailing").localLayer().size()).isZero();
    }

    /** Calls inside an enabled scope on a Vert.x event loop, where any blocking call would throw. */
    private <T> T onEventLoop(Supplier<Uni<T>> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        context.runOnContext(ignored -> {
            assertThat(Context.isOnEventLoopThread()).isTrue();
            Uni<T> uni;
            try (GCache.Scope scope = gcache.enable()) {
                uni = call.get();
            }
            uni.subscribe().with(result::complete, result::completeExceptionally);
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private static boolean exists(String key) {
        return (Long) REDIS.call("EXISTS", key) == 1;
    }

    /**
     * Commands the private Redis has served, whatever they are, but for this method's own {@code INFO} and the
     * subscription's background traffic (heartbeat, re-subscriptions).
     */
    private static long redisReads() {
        String info = (String) REDIS.call("INFO", "commandstats");
        long calls = 0;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")
                    && !line.matches("cmdstat_(info|ping|s?subscribe|psubscribe|hello|client\\|.*):.*")) {
                int start = line.indexOf("calls=") + 6;
                calls += Long.parseLong(line.substring(start, line.indexOf(',', start)));
            }
        }
        return calls;
    }
}
