package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * R20: with {@code request.enabled}, the same key asked twice in one enable scope runs the method once, even with
 * LOCAL and REMOTE ramped to 0; the values go with the scope.
 */
class RequestLayerTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bean.class, Enabled.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.gcache.use-case.\"Req\".request.enabled", "true")
            .overrideConfigKey("quarkus.gcache.use-case.\"ReqUni\".request.enabled", "true")
            .overrideConfigKey("quarkus.gcache.use-case.\"ReqUni\".local.ramp", "0");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Bean bean;
    @Inject
    Enabled enabled;

    @BeforeEach
    void reset() {
        bean.calls.set(0);
        bean.uniCalls.set(0);
        bean.plainCalls.set(0);
    }

    @Test
    void oneScopeRunsEachKeyOnceAndANewScopeStartsEmpty() {
        long requests = runtime.useCase("Req").stats().requests(StatLayer.REQUEST);
        long misses = runtime.useCase("Req").stats().misses(StatLayer.REQUEST, MissReason.ABSENT);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.get("1")).isEqualTo("v1#1");
            assertThat(bean.get("1")).isEqualTo("v1#1");
            assertThat(bean.get("2")).isEqualTo("v2#2");
            assertThat(bean.get("1")).isEqualTo("v1#1");
        }
        assertThat(bean.calls).hasValue(2);
        assertThat(runtime.useCase("Req").stats().requests(StatLayer.REQUEST)).isEqualTo(requests + 4);
        assertThat(runtime.useCase("Req").stats().misses(StatLayer.REQUEST, MissReason.ABSENT)).isEqualTo(misses + 2);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.get("1")).isEqualTo("v1#3"); // LOCAL is ramped to 0: the previous scope's value is gone
        }
        assertThat(bean.calls).hasValue(3);
    }

    @Test
    void aScopeThatInvalidatesOrFlushesReadsAFreshValue() {
        long stale = runtime.useCase("Req").stats().misses(StatLayer.REQUEST, MissReason.STALE);
        long bypassed = runtime.useCase("Req").stats().disabledCount(StatLayer.GLOBAL, DisabledReason.WRITTEN_IN_SCOPE);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.get("1")).isEqualTo("v1#1");
            assertThat(bean.get("2")).isEqualTo("v2#2");
            gcache.invalidate("user_id", "1"); // the request's own write: its later reads bypass every layer (R34)
            assertThat(bean.get("1")).isEqualTo("v1#3");
            assertThat(bean.get("2")).isEqualTo("v2#2"); // another entity keeps its value
            gcache.flushAll();
            assertThat(bean.get("2")).isEqualTo("v2#4"); // R6a also holds within a scope
        }
        assertThat(runtime.useCase("Req").stats().disabledCount(StatLayer.GLOBAL, DisabledReason.WRITTEN_IN_SCOPE))
                .isEqualTo(bypassed + 1);
        assertThat(runtime.useCase("Req").stats().misses(StatLayer.REQUEST, MissReason.STALE)).isEqualTo(stale + 1);
    }

    @Test
    void aGCacheEnabledUniSharesOneRequestLayerBetweenTheCallAndItsSubscription() {
        assertThat(enabled.twice("5").await().atMost(Duration.ofSeconds(5))).isEqualTo("v5#1 v5#1");
        assertThat(bean.calls).hasValue(1);
    }

    @Test
    void outsideAScopeNothingIsKept() {
        bean.get("1");
        bean.get("1");
        assertThat(bean.calls).hasValue(2);
    }

    @Test
    void aNestedEnableContinuesTheScopeAndADisabledOneBypassesIt() {
        try (GCache.Scope outer = gcache.enable()) {
            bean.get("1");
            try (GCache.Scope inner = gcache.enable()) {
                bean.get("1");
            }
            try (GCache.Scope off = gcache.disable()) {
                bean.get("1");
            }
            bean.get("1");
        }
        assertThat(bean.calls).hasValue(2); // the first call, and the one in the disabled scope
    }

    @Test
    void nullIsKeptAndFailuresAreNot() {
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.get("null")).isNull();
            assertThat(bean.get("null")).isNull();
            assertThatThrownBy(() -> bean.get("fail")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> bean.get("fail")).isInstanceOf(IllegalStateException.class);
        }
        assertThat(bean.calls).hasValue(3);
    }

    @Test
    void aUseCaseWithoutTheLayerRunsEveryTime() {
        try (GCache.Scope scope = gcache.enable()) {
            bean.plain("1");
            bean.plain("1");
        }
        assertThat(bean.plainCalls).hasValue(2);
        assertThat(runtime.useCase("Plain").stats().requests(StatLayer.REQUEST)).isZero();
    }

    @Test
    void aUniOfTheScopeIsComputedOnceEvenWhenSubscribedAfterAHop() {
        Uni<String> first;
        Uni<String> second;
        try (GCache.Scope scope = gcache.enable()) {
            first = bean.uni("1");
            second = bean.uni("1");
        }
        // subscribed after the scope closed and on a worker thread: the scope was taken when the method was called
        assertThat(first.runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo("u1#1");
        assertThat(second.await().atMost(Duration.ofSeconds(5))).isEqualTo("u1#1");
        assertThat(bean.uniCalls).hasValue(1);
    }

    @Singleton
    public static class Enabled {
        @Inject
        Bean bean;

        /** One cached call when called, one when the returned Uni is subscribed: one scope (R20). */
        @io.quarkiverse.gcache.GCacheEnabled
        public Uni<String> twice(String id) {
            String first = bean.get(id);
            return Uni.createFrom().item(() -> first + " " + bean.get(id));
        }
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger uniCalls = new AtomicInteger();
        final AtomicInteger plainCalls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "Req", localTtl = "1m", localRamp = 0)
        public String get(String id) {
            int n = calls.incrementAndGet();
            if (id.equals("fail")) {
                throw new IllegalStateException("boom");
            }
            return id.equals("null") ? null : "v" + id + "#" + n;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "ReqUni", localTtl = "1m")
        public Uni<String> uni(String id) {
            return Uni.createFrom().item(() -> "u" + id + "#" + uniCalls.incrementAndGet());
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Plain", localTtl = "1m", localRamp = 0)
        public String plain(String id) {
            plainCalls.incrementAndGet();
            return id;
        }
    }
}
