package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.control.GCacheBuildConfig;
import io.quarkiverse.gcache.runtime.health.GCacheReadinessCheck;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.smallrye.health.deployment.spi.HealthBuildItem;

/** The readiness check {@code gcache}, registered only when the application uses SmallRye Health. */
class HealthProcessor {

    @BuildStep
    void readiness(Capabilities capabilities, GCacheBuildConfig config, BuildProducer<HealthBuildItem> health) {
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            health.produce(new HealthBuildItem(GCacheReadinessCheck.class.getName(), config.health().enabled()));
        }
    }
}
