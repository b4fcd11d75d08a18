package io.quarkiverse.gcache.test.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * The parity suite: every read-through scenario runs once per method kind (sync, {@code Uni}, {@code CompletionStage})
 * and must give the same outcome (values, failures, method runs) and change the same meters by the same amounts. A
 * decision made differently by one kind is a failing scenario here. Each kind has its own use cases, configured alike,
 * so that their meters can be compared tag for tag ({@code use_case} aside).
 */
class ReadPathParityTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Items.class)
            .overrideConfigKey("quarkus.gcache.local.wait-timeout", "2s")
            .overrideConfigKey("quarkus.gcache.remote.timeout", "1s");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    enum Kind {
        SYNC,
        UNI,
        CS
    }

    /** The method's behaviour, per kind: runs counted, a gate it waits on, a failure it throws once. */
    static final class Behaviour {
        final AtomicInteger runs = new AtomicInteger();
        /** While set, the method's value waits for it (sync: blocks; reactive: completes when it does). */
        volatile CompletableFuture<Void> gate;
        volatile RuntimeException failNext;

        CompletableFuture<String> run(String id) {
            runs.incrementAndGet();
            RuntimeException failure = failNext;
            if (failure != null) {
                failNext = null;
                return CompletableFuture.failedFuture(failure);
            }
            CompletableFuture<Void> g = gate;
            gate = null; // only the first run of a scenario waits
            return g == null ? CompletableFuture.completedFuture("item-" + id) : g.thenApply(v -> "item-" + id);
        }
    }

    static final Map<Kind, Behaviour> BEHAVIOURS = new EnumMap<>(Map.of(Kind.SYNC, new Behaviour(), Kind.UNI,
            new Behaviour(), Kind.CS, new Behaviour()));

    @Singleton
    public static class Items {
        static String sync(CompletableFuture<String> value) {
            try {
                return value.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @GCached(keyType = "item", useCase = "Sync", localTtl = "60s", localRamp = 100, remoteTtl = "5m", remoteRamp = 100)
        public String sync(@GCacheId String id) {
            return sync(BEHAVIOURS.get(Kind.SYNC).run(id));
        }

        @GCached(keyType = "item", useCase = "Uni", localTtl = "60s", localRamp = 100, remoteTtl = "5m", remoteRamp = 100)
        public Uni<String> uni(@GCacheId String id) {
            return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(BEHAVIOURS.get(Kind.UNI).run(id)));
        }

        @GCached(keyType = "item", useCase = "Cs", localTtl = "60s", localRamp = 100, remoteTtl = "5m", remoteRamp = 100)
        public CompletionStage<String> cs(@GCacheId String id) {
            return BEHAVIOURS.get(Kind.CS).run(id);
        }

        @GCached(keyType = "item", useCase = "RemoteSync", remoteTtl = "5m", remoteRamp = 100)
        public String remoteSync(@GCacheId String id) {
            return sync(BEHAVIOURS.get(Kind.SYNC).run(id));
        }

        @GCached(keyType = "item", useCase = "RemoteUni", remoteTtl = "5m", remoteRamp = 100)
        public Uni<String> remoteUni(@GCacheId String id) {
            return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(BEHAVIOURS.get(Kind.UNI).run(id)));
        }

        @GCached(keyType = "item", useCase = "RemoteCs", remoteTtl = "5m", remoteRamp = 100)
        public CompletionStage<String> remoteCs(@GCacheId String id) {
            return BEHAVIOURS.get(Kind.CS).run(id);
        }
    }

    @Inject
    Items items;
    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    MeterRegistry registry;

    /** Which use case a scenario reads: LOCAL and REMOTE, or REMOTE only (where leases decide). */
    enum Layers {
        BOTH,
        REMOTE_ONLY
    }

    /** One call of the scenario's method, started in an enable scope; the future has its value or failure. */
    CompletableFuture<String> start(Kind kind, Layers layers, String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return switch (kind) {
                case SYNC -> CompletableFuture.supplyAsync(() -> {
                    try (GCache.Scope inThread = gcache.enable()) {
                        return layers == Layers.BOTH ? items.sync(id) : items.remoteSync(id);
                    }
                });
                case UNI -> (layers == Layers.BOTH ? items.uni(id) : items.remoteUni(id)).subscribeAsCompletionStage();
                case CS -> (layers == Layers.BOTH ? items.cs(id) : items.remoteCs(id)).toCompletableFuture();
            };
        }
    }

    /** One call, waited for: its value, or the simple name of its failure. */
    String call(Kind kind, Layers layers, String id) {
        try {
            return start(kind, layers, id).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return "failed: " + cause.getClass().getSimpleName();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    UseCase useCase(Kind kind, Layers layers) {
        String name = switch (kind) {
            case SYNC -> "Sync";
            case UNI -> "Uni";
            case CS -> "Cs";
        };
        return runtime.useCase(layers == Layers.BOTH ? name : "Remote" + name);
    }

    /** What a scenario did, to be compared across kinds. */
    record Outcome(List<String> values, int runs) {
    }

    enum Scenario {
        /** A miss computes and fills LOCAL and REMOTE; the next call is a LOCAL hit. */
        MISS_THEN_LOCAL_HIT(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                return List.of(t.call(k, layers, id), t.call(k, layers, id));
            }
        },
        /** LOCAL lost (another instance's view): the value comes from REMOTE, the method does not run. */
        REMOTE_HIT(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                String first = t.call(k, layers, id);
                t.storedInRedis(k, id);
                t.useCase(k, layers).localLayer().clear();
                return List.of(first, t.call(k, layers, id));
            }
        },
        /** An invalidation makes LOCAL and REMOTE stale: the next call computes again. */
        STALE_AFTER_INVALIDATION(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                String first = t.call(k, layers, id);
                t.storedInRedis(k, id);
                t.gcache.invalidate("item", id);
                t.watermarkPassed(id);
                return List.of(first, t.call(k, layers, id));
            }
        },
        /** REMOTE holds a value written before the entity's watermark: a stale miss, computed again. */
        STALE_IN_REMOTE_ONLY(Layers.REMOTE_ONLY) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                String first = t.call(k, layers, id);
                t.storedInRedis(k, id);
                REDIS.call("SET", "{urn:item:" + id + "}#watermark", String.valueOf(Long.MAX_VALUE / 2));
                String second = t.call(k, layers, id);
                REDIS.call("DEL", "{urn:item:" + id + "}#watermark");
                return List.of(first, second);
            }
        },
        /** The method fails: the caller gets its exception, nothing is cached, the next call computes. */
        METHOD_FAILURE(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                BEHAVIOURS.get(k).failNext = new IllegalArgumentException("no such item");
                return List.of(t.call(k, layers, id), t.call(k, layers, id));
            }
        },
        /** A second caller of a key being computed joins that computation (R9): one run, both get its value. */
        JOIN_LOCAL(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                return t.concurrent(k, layers, id, StatLayer.LOCAL);
            }
        },
        /** LOCAL off: the second caller finds the first's lease and waits for its value in REMOTE (R21). */
        JOIN_LEASE(Layers.REMOTE_ONLY) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                return t.concurrent(k, layers, id, StatLayer.REMOTE);
            }
        },
        /** The first computation outlives local.wait-timeout: the waiter computes itself (R11a). */
        WAIT_TIMEOUT(Layers.BOTH) {
            @Override
            List<String> run(ReadPathParityTest t, Kind k, String id) {
                Behaviour b = BEHAVIOURS.get(k);
                CompletableFuture<Void> gate = new CompletableFuture<>();
                b.gate = gate;
                UseCase uc = t.useCase(k, layers);
                long requests = uc.stats().requests(StatLayer.LOCAL);
                CompletableFuture<String> first = t.start(k, layers, id);
                await().until(() -> b.runs.get() >= 1);
                String second = t.call(k, layers, id); // waits local.wait-timeout, then runs the method
                gate.complete(null);
                try {
                    return List.of(first.get(30, TimeUnit.SECONDS), second,
                            "requests " + (uc.stats().requests(StatLayer.LOCAL) - requests));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        final Layers layers;

        Scenario(Layers layers) {
            this.layers = layers;
        }

        abstract List<String> run(ReadPathParityTest t, Kind k, String id);
    }

    /** Two callers of one key; the second starts once the first runs the method and has asked {@code layer}. */
    List<String> concurrent(Kind kind, Layers layers, String id, StatLayer layer) {
        Behaviour b = BEHAVIOURS.get(kind);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        b.gate = gate;
        UseCase uc = useCase(kind, layers);
        long requests = uc.stats().requests(layer);
        CompletableFuture<String> first = start(kind, layers, id);
        await().until(() -> b.runs.get() >= 1);
        CompletableFuture<String> second = start(kind, layers, id);
        // the second caller has looked the key up (and now waits) before the first computation may end
        await().until(() -> uc.stats().requests(layer) >= requests + 2);
        gate.complete(null);
        try {
            return List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until Redis' clock has passed the entity's watermark: a value computed in the watermark's own millisecond
     * is returned but not stored (R6), which would make the kinds differ by timing alone.
     */
    void watermarkPassed(String id) {
        long watermark = Long.parseLong((String) REDIS.call("GET", "{urn:item:" + id + "}#watermark"));
        await().pollInterval(Duration.ofMillis(1)).until(() -> {
            @SuppressWarnings("unchecked")
            List<Object> time = (List<Object>) REDIS.call("TIME");
            return Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000 > watermark;
        });
    }

    void storedInRedis(Kind kind, String id) {
        String key = "{urn:item:" + id + "}#" + useCase(kind, Layers.BOTH).name();
        String remoteOnly = "{urn:item:" + id + "}#Remote" + useCase(kind, Layers.BOTH).name();
        await().until(() -> (Long) REDIS.call("EXISTS", key, remoteOnly) >= 1);
    }

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
    }

    // by name: QuarkusUnitTest loads the test class anew, and an enum argument would be the other loader's
    @ParameterizedTest
    @ValueSource(strings = { "MISS_THEN_LOCAL_HIT", "REMOTE_HIT", "STALE_AFTER_INVALIDATION", "STALE_IN_REMOTE_ONLY",
            "METHOD_FAILURE", "JOIN_LOCAL", "JOIN_LEASE", "WAIT_TIMEOUT" })
    void everyMethodKindGivesTheSameOutcomeAndMeters(String name) {
        Scenario scenario = Scenario.valueOf(name);
        assertThat(Scenario.values()).as("every scenario is listed").hasSize(8);
        Map<Kind, Outcome> outcomes = new EnumMap<>(Kind.class);
        Map<Kind, Map<String, Double>> before = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            String id = scenario.name().toLowerCase() + "-" + System.nanoTime();
            before.put(kind, meters(useCase(kind, scenario.layers)));
            int runs = BEHAVIOURS.get(kind).runs.get();
            List<String> values = new ArrayList<>(scenario.run(this, kind, id));
            values.replaceAll(v -> v.replace(id, "<id>"));
            outcomes.put(kind, new Outcome(values, BEHAVIOURS.get(kind).runs.get() - runs));
        }
        System.out.printf("GCACHE parity %s: %s%n", scenario, outcomes.get(Kind.SYNC));
        assertThat(outcomes.get(Kind.UNI)).as("Uni outcome").isEqualTo(outcomes.get(Kind.SYNC));
        assertThat(outcomes.get(Kind.CS)).as("CompletionStage outcome").isEqualTo(outcomes.get(Kind.SYNC));
        expect(scenario, outcomes.get(Kind.SYNC));
        // meters settle once the stores behind the callers have ended: compare until they agree, at most a while
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Double> sync = delta(before.get(Kind.SYNC), meters(useCase(Kind.SYNC, scenario.layers)));
            assertThat(delta(before.get(Kind.UNI), meters(useCase(Kind.UNI, scenario.layers))))
                    .as("meters changed by the Uni method").isEqualTo(sync);
            assertThat(delta(before.get(Kind.CS), meters(useCase(Kind.CS, scenario.layers))))
                    .as("meters changed by the CompletionStage method").isEqualTo(sync);
        });
    }

    /** The outcome each scenario must have: parity alone would accept three kinds that are wrong alike. */
    private static void expect(Scenario scenario, Outcome sync) {
        List<String> values = sync.values();
        switch (scenario) {
            case MISS_THEN_LOCAL_HIT, REMOTE_HIT, JOIN_LOCAL, JOIN_LEASE -> {
                assertThat(values).containsOnly("item-<id>");
                assertThat(sync.runs()).isEqualTo(1);
            }
            case STALE_AFTER_INVALIDATION, STALE_IN_REMOTE_ONLY -> {
                assertThat(values).containsOnly("item-<id>");
                assertThat(sync.runs()).isEqualTo(2);
            }
            case METHOD_FAILURE -> {
                assertThat(values).containsExactly("failed: IllegalArgumentException", "item-<id>");
                assertThat(sync.runs()).isEqualTo(2);
            }
            case WAIT_TIMEOUT -> {
                assertThat(values).containsExactly("item-<id>", "item-<id>", "requests 2");
                assertThat(sync.runs()).isEqualTo(2);
            }
        }
    }

    /** Every counted meter of a use case: name and tags but {@code use_case}, and its count. */
    private Map<String, Double> meters(UseCase uc) {
        Map<String, Double> counts = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            if (!uc.name().equals(m.getId().getTag("use_case"))) {
                continue;
            }
            double count;
            if (m instanceof Counter c) {
                count = c.count();
            } else if (m instanceof FunctionCounter c) {
                count = c.count();
            } else if (m instanceof Timer timer) {
                count = timer.count();
            } else if (m instanceof FunctionTimer timer) {
                count = timer.count();
            } else if (m instanceof DistributionSummary s) {
                count = s.count();
            } else {
                continue; // gauges: states, not events
            }
            StringBuilder id = new StringBuilder(m.getId().getName());
            for (Tag tag : m.getId().getTagsAsIterable()) {
                if (!tag.getKey().equals("use_case")) {
                    id.append(',').append(tag.getKey()).append('=').append(tag.getValue());
                }
            }
            counts.merge(id.toString(), count, Double::sum);
        }
        return counts;
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new ConcurrentHashMap<>();
        after.forEach((name, count) -> {
            double d = count - before.getOrDefault(name, 0.0);
            if (d != 0) {
                delta.put(name, d);
            }
        });
        return new TreeMap<>(delta);
    }
}
