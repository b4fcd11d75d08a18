package io.quarkiverse.gcache.deployment;

import java.util.List;
import java.util.Set;
import java.util.logging.Level;

import io.quarkiverse.gcache.runtime.DefaultGCache;
import io.quarkiverse.gcache.runtime.GCacheEnabledInterceptor;
import io.quarkiverse.gcache.runtime.GCacheInvalidateInterceptor;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.GCachedInterceptor;
import io.quarkiverse.gcache.runtime.control.GCacheBuildConfig;
import io.quarkiverse.gcache.runtime.http.GCacheEnabledRequestFilter;
import io.quarkiverse.gcache.runtime.http.HttpMethodRequestFilter;
import io.quarkiverse.gcache.runtime.layers.RedisNodeOptions;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem.ValidationErrorBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.LogCategoryBuildItem;
import io.quarkus.deployment.logging.LogCleanupFilterBuildItem;
import io.quarkus.redis.deployment.client.RequestedRedisClientBuildItem;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.resteasy.reactive.spi.ContainerRequestFilterBuildItem;

/** Wiring: the feature, the beans and interceptors, the Redis client and the HTTP filters. */
class GCacheProcessor {

    private static final String FEATURE = "gcache";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    void beans(BuildProducer<AdditionalBeanBuildItem> beans, BuildProducer<UnremovableBeanBuildItem> unremovable) {
        beans.produce(AdditionalBeanBuildItem.builder().setUnremovable()
                .addBeanClasses(GCacheRuntime.class, DefaultGCache.class, GCachedInterceptor.class,
                        GCacheEnabledInterceptor.class, GCacheInvalidateInterceptor.class,
                        RedisNodeOptions.class)
                .build());
        // Looked up at startup, never injected: adapters and serializers are named only in annotation values, so ArC
        // would remove them as unused and the fallback no-arg instance would have no injections (reference: API).
        unremovable.produce(UnremovableBeanBuildItem.beanTypes(io.quarkiverse.gcache.GCacheConfigProvider.class,
                io.quarkiverse.gcache.GCacheKeyAdapter.class, io.quarkiverse.gcache.GCacheSerializer.class));
    }

    /**
     * Every rejected {@code @GCached} / {@code @GCacheInvalidate} declaration, reported together through ArC's
     * validation: one build failure lists them all (reference R13).
     */
    @BuildStep
    void reportDefinitionErrors(ValidationPhaseBuildItem validation, List<DefinitionErrorBuildItem> errors,
            BuildProducer<ValidationErrorBuildItem> reported) {
        if (!errors.isEmpty()) {
            reported.produce(new ValidationErrorBuildItem(
                    errors.stream().map(e -> (Throwable) e.error()).toList()));
        }
    }

    /**
     * Asks the Redis extension for the client the REMOTE layer uses when it is a named one; it is only connected when
     * configured. The default client is not asked for this way: {@code GCacheRuntime.defaultRedis}, an injection point
     * of the default {@code Redis}, makes the extension's {@code RedisClientProcessor} create it. A requested client is
     * created twice: {@code RedisClientProcessor} and {@code RedisDatasourceProcessor} (which runs whenever a client
     * is requested) both call {@code RedisClientRecorder.initialize}, whose {@code clients.putIfAbsent(name, new
     * RedisClientAndApi(name, VertxRedisClientFactory.create(...)))} builds a second Vert.x client before it finds the
     * name taken, and throws it away. That client's pool metrics are refused by Micrometer with a warning at every
     * start ("This Gauge has been already registered (MeterId{name='redis.pool.queue.size', tags=[tag(pool.name=
     * <default>),tag(pool.type=redis)]})"). Quarkus 3.33; for a named client it still happens.
     */
    @BuildStep
    void redisClient(GCacheBuildConfig config, BuildProducer<RequestedRedisClientBuildItem> requested) {
        String name = config.remote().clientName().filter(n -> !n.isBlank()).orElse(RedisConfig.DEFAULT_CLIENT_NAME);
        if (!RedisConfig.isDefaultClient(name)) {
            requested.produce(new RequestedRedisClientBuildItem(name));
        }
    }

    /**
     * R10a: during a Redis outage the Vert.x Redis client logs every failed pooled connection at ERROR with a stack
     * trace ("Unhandled Error", the only message of that logger). GCache already counts and logs (rate-limited) each
     * failure it sees, so that logger is off by default; {@code quarkus.log.category."<logger>".level} turns it back
     * on. See the operating guide.
     */
    @BuildStep
    LogCategoryBuildItem quietRedisConnectionErrors() {
        return new LogCategoryBuildItem("io.vertx.redis.client.impl.RedisConnectionManager", Level.OFF);
    }

    /**
     * Micrometer warns when a gauge is registered twice, and with the Quarkus Redis client that happens at every
     * start of a GCache application: Quarkus Micrometer's {@code VertxMeterBinderAdapter.createClientMetrics} builds a
     * new {@code VertxClientMetrics}, which registers the gauges {@code redis.queue.size} and {@code redis.current}
     * (tags {@code clientName}, {@code clientType=redis}), for every connection the Vert.x Redis client opens
     * ({@code RedisConnectionManager}), and GCache always has two: its subscriber's and the pool's (quarkus issue 47504
     * is the same for the SQL clients). The second registration is ignored (the gauges follow the first connection)
     * and logged once at WARN ("This Gauge has been already registered (MeterId{name='redis.queue.size', ..."),
     * which says nothing an operator can act on. Only that message is lowered to DEBUG, for gauges named
     * {@code redis.*}. Micrometer logs only the first double registration of a JVM at WARN, the rest at DEBUG: as the
     * Redis one came first anyway, no other warning is lost. See the operating guide.
     */
    @BuildStep
    LogCleanupFilterBuildItem quietRedisGaugeRegistrations() {
        return new LogCleanupFilterBuildItem("io.micrometer.core.instrument.MeterRegistry", Level.FINE,
                "This Gauge has been already registered (MeterId{name='redis.");
    }

    /** {@code @GCacheEnabled} on resources and {@code http.enable-for-methods}, when Quarkus REST is present. */
    @BuildStep
    void httpFilters(Capabilities capabilities, BuildProducer<ContainerRequestFilterBuildItem> filters) {
        if (!capabilities.isPresent(Capability.RESTEASY_REACTIVE)) {
            return;
        }
        filters.produce(new ContainerRequestFilterBuildItem.Builder(GCacheEnabledRequestFilter.class.getName())
                .setNameBindingNames(Set.of(GCacheDotNames.GCACHE_ENABLED.toString()))
                .setRegisterAsBean(true)
                .build());
        filters.produce(new ContainerRequestFilterBuildItem.Builder(HttpMethodRequestFilter.class.getName())
                .setRegisterAsBean(true)
                .build());
    }
}
