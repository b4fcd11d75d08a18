package io.quarkiverse.gcache.test.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;

/** Beans of the core test application; every method counts its real executions. */
public final class Services {

    private Services() {
    }

    public record Rec(String id, int n) {
    }

    @Singleton
    public static class Users {
        public final AtomicInteger calls = new AtomicInteger();
        public volatile RuntimeException failNext;
        public volatile CountDownLatch gate;

        @GCached(keyType = "user_id", id = "id", useCase = "GetUser", localTtl = "60s", remoteTtl = "5m", localRamp = 100, remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            RuntimeException f = failNext;
            if (f != null) {
                failNext = null;
                throw f;
            }
            return "user-" + id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Nullable", localTtl = "60s", remoteTtl = "5m", localRamp = 100, remoteRamp = 100)
        public String nullable(String id) {
            calls.incrementAndGet();
            return null;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Slow", localTtl = "60s", localRamp = 100)
        public String slow(String id) throws InterruptedException {
            calls.incrementAndGet();
            gate.await(10, TimeUnit.SECONDS);
            return "slow-" + id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "LocalOnly", localTtl = "60s", localRamp = 100)
        public String localOnly(String id) {
            calls.incrementAndGet();
            return "local-" + id;
        }
    }

    @Singleton
    public static class Ramps {
        public final AtomicInteger zero = new AtomicInteger();
        public final AtomicInteger hundred = new AtomicInteger();
        public final AtomicInteger thirty = new AtomicInteger();
        public final AtomicInteger fromProperties = new AtomicInteger();
        public final AtomicInteger fromProvider = new AtomicInteger();
        public final AtomicInteger noRamp = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "RampZero", localTtl = "60s", localRamp = 0)
        public String zero(String id) {
            zero.incrementAndGet();
            return id;
        }

        @GCached(keyType = "k", id = "id", useCase = "RampHundred", localTtl = "60s", localRamp = 100)
        public String hundred(String id) {
            hundred.incrementAndGet();
            return id;
        }

        @GCached(keyType = "k", id = "id", useCase = "RampThirty", localTtl = "60s", localRamp = 30)
        public String thirty(String id) {
            thirty.incrementAndGet();
            return id;
        }

        /** Annotation says 0; application.properties says 100 (R3). */
        @GCached(keyType = "k", id = "id", useCase = "RampFromProperties", localTtl = "60s", localRamp = 0)
        public String fromProperties(String id) {
            fromProperties.incrementAndGet();
            return id;
        }

        /** application.properties says 0; the provider says 100 (R3). */
        @GCached(keyType = "k", id = "id", useCase = "RampFromProvider", localTtl = "60s", localRamp = 100)
        public String fromProvider(String id) {
            fromProvider.incrementAndGet();
            return id;
        }

        /** TTL but no ramp anywhere: missing_config. */
        @GCached(keyType = "k", id = "id", useCase = "NoRamp", localTtl = "60s")
        public String noRamp(String id) {
            noRamp.incrementAndGet();
            return id;
        }
    }

    @Singleton
    public static class Provider implements GCacheConfigProvider {
        @Override
        public Integer ramp(String useCase, CacheLayer layer) {
            return useCase.equals("RampFromProvider") ? 100 : null;
        }
    }

    /** REMOTE only (LOCAL ramp 0), so every second call proves a REMOTE round trip (R14). */
    @Singleton
    public static class Values {
        public final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "v", id = "id", useCase = "ListOfRecords", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public List<Rec> list(String id) {
            calls.incrementAndGet();
            return List.of(new Rec(id, 1), new Rec(id, 2));
        }

        @GCached(keyType = "v", id = "id", useCase = "MapOfRecords", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public Map<String, Rec> map(String id) {
            calls.incrementAndGet();
            return Map.of("a", new Rec(id, 1), "b", new Rec(id, 2));
        }

        @GCached(keyType = "v", id = "id", useCase = "OptionalRecord", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public Optional<Rec> optional(String id) {
            calls.incrementAndGet();
            return id.isEmpty() ? Optional.empty() : Optional.of(new Rec(id, 7));
        }

        @GCached(keyType = "v", id = "id", useCase = "Nested", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public Map<String, List<Optional<Rec>>> nested(String id) {
            calls.incrementAndGet();
            return Map.of("x", List.of(Optional.of(new Rec(id, 3)), Optional.empty()));
        }

        @GCached(keyType = "v", id = "id", useCase = "Primitive", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public long primitive(String id) {
            calls.incrementAndGet();
            return 42L;
        }
    }

    /** A non-resource bean whose methods enable caching for what they call (R1, @GCacheEnabled interceptor). */
    @Singleton
    public static class EnabledFacade {
        @jakarta.inject.Inject
        Users users;
        @jakarta.inject.Inject
        Reactive reactive;

        @io.quarkiverse.gcache.GCacheEnabled
        public String user(String id) {
            return users.get(id);
        }

        /** The cached call happens only when the returned Uni is subscribed, after this method returned. */
        @io.quarkiverse.gcache.GCacheEnabled
        public Uni<Rec> lazyUni(String id) {
            return Uni.createFrom().deferred(() -> reactive.uni(id));
        }
    }

    @Singleton
    public static class Reactive {
        public final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "UniUser", localTtl = "60s", remoteTtl = "5m", localRamp = 100, remoteRamp = 100)
        public Uni<Rec> uni(String id) {
            return Uni.createFrom().item(() -> {
                calls.incrementAndGet();
                return new Rec(id, 1);
            });
        }

        @GCached(keyType = "user_id", id = "id", useCase = "UniRemoteOnly", remoteTtl = "5m", remoteRamp = 100, localRamp = 0)
        public Uni<List<Rec>> uniRemote(String id) {
            return Uni.createFrom().item(() -> {
                calls.incrementAndGet();
                return List.of(new Rec(id, 1));
            });
        }

        @GCached(keyType = "user_id", id = "id", useCase = "StageUser", localTtl = "60s", remoteTtl = "5m", localRamp = 100, remoteRamp = 100)
        public CompletionStage<Rec> stage(String id) {
            calls.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> new Rec(id, 2));
        }

        @GCached(keyType = "user_id", id = "id", useCase = "FutureUser", localTtl = "60s", localRamp = 100)
        public CompletableFuture<Rec> future(String id) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new Rec(id, 3));
        }

        @GCached(keyType = "user_id", id = "id", useCase = "UniFailing", localTtl = "60s", remoteTtl = "5m", localRamp = 100, remoteRamp = 100)
        public Uni<Rec> failing(String id) {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("boom " + id));
        }
    }
}
