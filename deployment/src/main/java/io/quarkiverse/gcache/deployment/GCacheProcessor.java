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

    /** Asks the Redis extension for the client the REMOTE layer uses; it is only connected when configured. */
    @BuildStep
    RequestedRedisClientBuildItem redisClient(GCacheBuildConfig config) {
        return new RequestedRedisClientBuildItem(
                config.remote().clientName().filter(n -> !n.isBlank()).orElse(RedisConfig.DEFAULT_CLIENT_NAME));
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
