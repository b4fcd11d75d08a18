package io.quarkiverse.gcache.test.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * R34: inside one enable scope, once the scope has invalidated an entity, its later cached reads of that entity run the
 * method, whatever REQUEST, LOCAL and REMOTE hold, counted {@code disabled{layer=GLOBAL,reason=written_in_scope}}. The
 * old value is put back in LOCAL and REMOTE after the invalidation by another request (the write invalidated before
 * its data changed, as a transaction that commits after the invalidation does), so only the bypass can return the new
 * one. Reads of other entities in the scope stay cached, and a new scope caches again.
 */
class ReadYourWritesTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Users.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"RywUser\".request.enabled", "true")
            .overrideConfigKey("quarkus.gcache.use-case.\"RywUserUni\".request.enabled", "true");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Users users;

    @Singleton
    public static class Users {
        final Map<String, String> db = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "ryw_user", id = "id", useCase = "RywUser", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            return load(id);
        }

        @GCached(keyType = "ryw_user", id = "id", useCase = "RywUserUni", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public Uni<String> getUni(String id) {
            return Uni.createFrom().item(() -> load(id + "-uni"));
        }

        private String load(String id) {
            calls.incrementAndGet();
            return db.getOrDefault(id, "none");
        }

        /** Invalidates first; the data changes later, as when the commit comes after the invalidation. */
        @GCacheInvalidate(keyType = "ryw_user", id = "id")
        public void invalidate(String id) {
        }

        @GCacheInvalidate(keyType = "ryw_user", id = "id")
        public Uni<Void> invalidateUni(String id) {
            return Uni.createFrom().voidItem();
        }
    }

    @BeforeEach
    void reset() {
        users.db.clear();
        users.calls.set(0);
        gcache.flushAll();
    }

    /** Another request, on another thread, reads the entity: it caches what the "database" holds now. */
    <T> T otherRequest(Supplier<T> read) {
        return CompletableFuture.supplyAsync(() -> {
            try (GCache.Scope other = gcache.enable()) {
                return read.get();
            }
        }).join();
    }

    long writtenInScope(String useCase) {
        UseCase uc = runtime.useCase(useCase);
        return uc.stats().disabledCount(StatLayer.GLOBAL, DisabledReason.WRITTEN_IN_SCOPE);
    }

    @Test
    void syncReadsAfterTheScopesOwnInvalidationRunTheMethod() {
        users.db.put("1", "old");
        users.db.put("2", "other");
        long bypassed = writtenInScope("RywUser");
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(users.get("1")).isEqualTo("old"); // cached in REQUEST, LOCAL and REMOTE
            assertThat(users.get("2")).isEqualTo("other");
            users.invalidate("1"); // @GCacheInvalidate
            // another request reads in between and caches the old value again, in LOCAL and REMOTE
            assertThat(otherRequest(() -> users.get("1"))).isEqualTo("old");
            users.db.put("1", "new");
            int calls = users.calls.get();

            assertThat(users.get("1")).isEqualTo("new");
            assertThat(users.get("1")).isEqualTo("new");
            assertThat(users.calls.get()).isEqualTo(calls + 2); // every read ran the method
            assertThat(writtenInScope("RywUser")).isEqualTo(bypassed + 2);

            assertThat(users.get("2")).isEqualTo("other"); // another entity: still cached
            assertThat(users.calls.get()).isEqualTo(calls + 2);
        }
        // the layers did hold the old value: a scope that wrote nothing is served from them
        assertThat(otherRequest(() -> users.get("1"))).isEqualTo("old");

        gcache.invalidate("ryw_user", "1"); // outside any scope: no scope to record it in
        int calls = users.calls.get();
        try (GCache.Scope fresh = gcache.enable()) {
            assertThat(users.get("1")).isEqualTo("new");
            assertThat(users.get("1")).isEqualTo("new");
        }
        assertThat(users.calls.get()).isEqualTo(calls + 1); // a new scope caches again
        assertThat(writtenInScope("RywUser")).isEqualTo(bypassed + 2);
    }

    @Test
    void reactiveReadsAfterTheScopesOwnInvalidationRunTheMethod() {
        users.db.put("1-uni", "old");
        users.db.put("2-uni", "other");
        long bypassed = writtenInScope("RywUserUni");
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(users.getUni("1").await().atMost(Duration.ofSeconds(5))).isEqualTo("old");
            assertThat(users.getUni("2").await().atMost(Duration.ofSeconds(5))).isEqualTo("other");
            users.invalidateUni("1").await().atMost(Duration.ofSeconds(5)); // recorded when its Uni completes
            assertThat(otherRequest(() -> users.getUni("1").await().atMost(Duration.ofSeconds(5)))).isEqualTo("old");
            users.db.put("1-uni", "new");
            int calls = users.calls.get();

            assertThat(users.getUni("1").await().atMost(Duration.ofSeconds(5))).isEqualTo("new");
            assertThat(users.calls.get()).isEqualTo(calls + 1);
            assertThat(writtenInScope("RywUserUni")).isEqualTo(bypassed + 1);
            assertThat(users.getUni("2").await().atMost(Duration.ofSeconds(5))).isEqualTo("other");
            assertThat(users.calls.get()).isEqualTo(calls + 1);
        }
        assertThat(otherRequest(() -> users.getUni("1").await().atMost(Duration.ofSeconds(5)))).isEqualTo("old");
    }

    @Test
    void programmaticInvalidationCountsToo() {
        users.db.put("3", "old");
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(users.get("3")).isEqualTo("old");
            gcache.invalidate("ryw_user", "3");
            assertThat(otherRequest(() -> users.get("3"))).isEqualTo("old");
            users.db.put("3", "new");
            assertThat(users.get("3")).isEqualTo("new");
            // the Uni use case shares the key type: its reads of the entity bypass the cache too
            users.db.put("3-uni", "uni");
            int calls = users.calls.get();
            users.getUni("3").await().atMost(Duration.ofSeconds(5));
            users.getUni("3").await().atMost(Duration.ofSeconds(5));
            assertThat(users.calls.get()).isEqualTo(calls + 2);
        }
        // the meter, as Prometheus scrapes it
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double counted = scrape.lines().filter(l -> l.startsWith("gcache_disabled_total{"))
                .filter(l -> l.contains("use_case=\"RywUserUni\"") && l.contains("layer=\"GLOBAL\"")
                        && l.contains("reason=\"written_in_scope\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(counted).isEqualTo(writtenInScope("RywUserUni")).isGreaterThanOrEqualTo(2);
    }
}
