package io.quarkiverse.gcache.runtime.micrometer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.InvalidationStats;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseMeters;
import io.quarkiverse.gcache.runtime.metrics.UseCaseStats;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;
import io.quarkus.runtime.StartupEvent;

/**
 * Registers every meter of R16 once per use case and layer at startup (a bean only when Micrometer is present).
 * Counters are function counters over the lock-free {@link UseCaseStats}, so counting costs no meter lookup;
 * timers and summaries are created here and handed to the use case.
 */
@Singleton
public class MicrometerBinding {

    @Inject
    GCacheRuntime runtime;
    @Inject
    MeterRegistry registry;
    @Inject
    GCacheConfig config;

    void bind(@Observes StartupEvent event) {
        String p = config.metrics().prefix();
        for (UseCase uc : runtime.useCases()) {
            Tags base = Tags.of("use_case", uc.name(), "key_type", uc.keyType());
            UseCaseStats s = uc.stats();
            if (uc.requestEnabled()) { // R20: hits and misses (absent, stale) only: no ramp, TTL or Redis
                Tags t = base.and("layer", StatLayer.REQUEST.name());
                counter(p + ".requests", t, s, x -> x.requests(StatLayer.REQUEST));
                for (MissReason reason : new MissReason[] { MissReason.ABSENT, MissReason.STALE }) {
                    counter(p + ".misses", t.and("reason", reason.tag()), s, x -> x.misses(StatLayer.REQUEST, reason));
                }
            }
            for (StatLayer layer : new StatLayer[] { StatLayer.LOCAL, StatLayer.REMOTE }) {
                Tags t = base.and("layer", layer.name());
                counter(p + ".requests", t, s, x -> x.requests(layer));
                for (MissReason reason : MissReason.values()) {
                    counter(p + ".misses", t.and("reason", reason.tag()), s, x -> x.misses(layer, reason));
                }
                for (DisabledReason reason : DisabledReason.values()) {
                    if (reason != DisabledReason.CONTEXT) {
                        counter(p + ".disabled", t.and("reason", reason.tag()), s, x -> x.disabledCount(layer, reason));
                    }
                }
                counter(p + ".errors", t.and("error", ErrorKind.CONFIG_PROVIDER.tag(), "in_fallback", "false"), s,
                        x -> x.errors(layer, ErrorKind.CONFIG_PROVIDER));
                counter(p + ".errors", t.and("error", ErrorKind.BAD_OVERRIDE.tag(), "in_fallback", "false"), s,
                        x -> x.errors(layer, ErrorKind.BAD_OVERRIDE));
            }
            // R29: a bad shadow ramp override belongs to no layer
            counter(p + ".errors", base.and("layer", "GLOBAL", "error", ErrorKind.BAD_OVERRIDE.tag(), "in_fallback", "false"),
                    s, x -> x.errors(StatLayer.GLOBAL, ErrorKind.BAD_OVERRIDE));
            counter(p + ".disabled", base.and("layer", "GLOBAL", "reason", DisabledReason.CONTEXT.tag()), s,
                    x -> x.disabledCount(StatLayer.GLOBAL, DisabledReason.CONTEXT));
            // R34: a read of an entity its scope invalidated bypasses every layer, counted once per call
            counter(p + ".disabled", base.and("layer", "GLOBAL", "reason", DisabledReason.WRITTEN_IN_SCOPE.tag()), s,
                    x -> x.disabledCount(StatLayer.GLOBAL, DisabledReason.WRITTEN_IN_SCOPE));
            counter(p + ".errors", base.and("layer", "GLOBAL", "error", ErrorKind.KEY_BUILDING.tag(), "in_fallback", "false"),
                    s, x -> x.errors(StatLayer.GLOBAL, ErrorKind.KEY_BUILDING));
            for (ErrorKind kind : new ErrorKind[] { ErrorKind.REDIS, ErrorKind.SERIALIZATION, ErrorKind.VALUE_TOO_LARGE,
                    ErrorKind.CORRUPT }) {
                counter(p + ".errors", base.and("layer", "REMOTE", "error", kind.tag(), "in_fallback", "false"), s,
                        x -> x.errors(StatLayer.REMOTE, kind));
            }
            // R22: every use case, as the shadow ramp can be raised at runtime
            for (StatLayer layer : UseCaseShadow.LAYERS) {
                for (UseCaseShadow.Result result : UseCaseShadow.Result.values()) {
                    FunctionCounter.builder(p + ".shadow", uc.shadow(), x -> x.count(layer, result))
                            .tags(base.and("layer", layer.name(), "result", result.tag())).register(registry);
                }
            }
            uc.meters(new Meters(registry, p, base, config.metrics().hitSampling()));
        }
        InvalidationStats invalidations = runtime.invalidator().stats();
        // the listener first: a key type first counted during the loop is registered twice, which Micrometer ignores
        invalidations.onNewKeyType(keyType -> invalidationMeters(p, invalidations, keyType));
        for (String keyType : invalidations.keyTypes()) {
            invalidationMeters(p, invalidations, keyType);
        }
        Gauge.builder(p + ".invalidations.pending", runtime.invalidator(), x -> x.outbox().size())
                .description("Invalidations whose watermark could not be written yet and is being retried (R18)")
                .register(registry);
    }

    /** {@code gcache.invalidations} of one key type, per layer, and its failed watermark writes (R16, R18). */
    private void invalidationMeters(String p, InvalidationStats invalidations, String keyType) {
        for (CacheLayer layer : CacheLayer.values()) {
            FunctionCounter.builder(p + ".invalidations", invalidations, x -> x.count(keyType, layer))
                    .tags("key_type", keyType, "layer", layer.name()).register(registry);
        }
        // R18: watermark writes that failed (each then waits in the outbox)
        FunctionCounter.builder(p + ".invalidations.failed", invalidations, x -> x.writeFailures(keyType))
                .tags("key_type", keyType, "layer", CacheLayer.REMOTE.name()).register(registry);
    }

    private void counter(String name, Tags tags, UseCaseStats stats, ToDoubleFunction<UseCaseStats> f) {
        FunctionCounter.builder(name, stats, f).tags(tags).register(registry);
    }

    private static final class Meters implements UseCaseMeters {
        private final MeterRegistry registry;
        private final String prefix;
        private final Tags tags;
        /** By layer: LOCAL, REMOTE. */
        private final Timer[] get = new Timer[2];
        private final Timer[] fallback = new Timer[2];
        private final Timer dump;
        private final Timer load;
        private final DistributionSummary size;
        private final Map<Class<?>, Counter> fallbackErrors = new ConcurrentHashMap<>();
        private final int hitSampling;
        /** {@code gcache.shadow.age} by layer (LOCAL, REMOTE) and result (match, mismatch). */
        private final DistributionSummary[][] shadowAge = new DistributionSummary[2][2];

        Meters(MeterRegistry registry, String prefix, Tags tags, int hitSampling) {
            this.hitSampling = hitSampling;
            this.registry = registry;
            this.prefix = prefix;
            this.tags = tags;
            for (StatLayer layer : new StatLayer[] { StatLayer.LOCAL, StatLayer.REMOTE }) {
                get[index(layer)] = Timer.builder(prefix + ".get").tags(tags).tag("layer", layer.name()).register(registry);
                fallback[index(layer)] = Timer.builder(prefix + ".fallback").tags(tags).tag("layer", layer.name())
                        .register(registry);
            }
            // only REMOTE serializes and stores bytes
            Tags remote = tags.and("layer", StatLayer.REMOTE.name());
            this.dump = Timer.builder(prefix + ".serialization").tags(remote).tag("operation", "dump").register(registry);
            this.load = Timer.builder(prefix + ".serialization").tags(remote).tag("operation", "load").register(registry);
            this.size = DistributionSummary.builder(prefix + ".value.size").baseUnit("bytes").tags(remote)
                    .register(registry);
            for (int l = 0; l < 2; l++) {
                for (int r = 0; r < 2; r++) {
                    shadowAge[l][r] = DistributionSummary.builder(prefix + ".shadow.age").baseUnit("seconds")
                            .description("Age of cached values compared by shadow verification (R22)")
                            .tags(tags).tag("layer", UseCaseShadow.LAYERS[l].name())
                            .tag("result", UseCaseShadow.Result.values()[r].tag()).register(registry);
                }
            }
        }

        @Override
        public void shadowAge(StatLayer layer, boolean matched, long ageNanos) {
            UseCaseShadow.Result result = matched ? UseCaseShadow.Result.MATCH : UseCaseShadow.Result.MISMATCH;
            shadowAge[layer == StatLayer.LOCAL ? 0 : 1][result.ordinal()].record(ageNanos / 1e9);
        }

        @Override
        public boolean sampleHit() {
            return hitSampling > 0 && (hitSampling == 1 || ThreadLocalRandom.current().nextInt(hitSampling) == 0);
        }

        private static int index(StatLayer layer) {
            return layer == StatLayer.REMOTE ? 1 : 0;
        }

        @Override
        public void get(StatLayer layer, long nanos) {
            get[index(layer)].record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void fallback(StatLayer layer, long nanos) {
            fallback[index(layer)].record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void serialization(boolean isDump, long nanos) {
            (isDump ? dump : load).record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void valueSize(int bytes) {
            size.record(bytes);
        }

        @Override
        public void fallbackError(Throwable t) {
            fallbackErrors.computeIfAbsent(t.getClass(), c -> Counter.builder(prefix + ".errors").tags(tags)
                    .tags("layer", "GLOBAL", "error", c.getSimpleName(), "in_fallback", "true").register(registry))
                    .increment();
        }
    }
}
