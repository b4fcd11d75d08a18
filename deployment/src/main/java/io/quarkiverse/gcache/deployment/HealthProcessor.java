package io.quarkiverse.gcache.deployment;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkiverse.gcache.runtime.control.GCacheBuildConfig;
import io.quarkiverse.gcache.runtime.health.GCacheReadinessCheck;
import io.quarkus.arc.deployment.ExcludedTypeBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.smallrye.health.deployment.spi.HealthBuildItem;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;

/** The readiness check {@code gcache}, registered only when the application uses SmallRye Health. */
class HealthProcessor {

    private static final Logger LOG = Logger.getLogger(HealthProcessor.class);

    /** The build-time property of quarkus-redis-client that registers its readiness check. */
    static final String REDIS_HEALTH_ENABLED = "quarkus.redis.health.enabled";
    /** The readiness check quarkus-redis-client registers (a {@code HealthBuildItem} of its processor). */
    static final String REDIS_HEALTH_CHECK = "io.quarkus.redis.runtime.client.health.RedisHealthCheck";

    @BuildStep
    void readiness(Capabilities capabilities, GCacheBuildConfig config, BuildProducer<HealthBuildItem> health) {
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            health.produce(new HealthBuildItem(GCacheReadinessCheck.class.getName(), config.health().enabled()));
        }
    }

    /**
     * R32: the Redis client's readiness check is DOWN whenever Redis is, which would take every instance out of rotation
     * during a Redis outage while the application serves from its methods (fail-open). It is left out unless the
     * application set {@code quarkus.redis.health.enabled} itself (an application that uses Redis for more than caching
     * keeps it that way); the {@code gcache} check reports the degraded state instead.
     */
    @BuildStep
    void redisReadiness(Capabilities capabilities, BuildProducer<ExcludedTypeBuildItem> excluded) {
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH) && !setByApplication(REDIS_HEALTH_ENABLED)) {
            LOG.debugf("GCache leaves out the Redis client's readiness check (set %s to keep it)", REDIS_HEALTH_ENABLED);
            excluded.produce(new ExcludedTypeBuildItem(REDIS_HEALTH_CHECK));
        }
    }

    /** Whether {@code name} has a value from a configuration source, not only its extension's default. */
    static boolean setByApplication(String name) {
        ConfigValue value = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigValue(name);
        return value.getValue() != null && value.getConfigSourceName() != null
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE
                && !value.getConfigSourceName().startsWith("DefaultValuesConfigSource");
    }
}
