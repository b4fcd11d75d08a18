package io.quarkiverse.gcache.deployment;

import java.util.Optional;

import io.quarkiverse.gcache.runtime.micrometer.MicrometerBinding;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;

/** R16: the Micrometer binding, only when the application has Micrometer. */
class MetricsProcessor {

    @BuildStep
    void micrometer(Optional<MetricsCapabilityBuildItem> metrics, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(MicrometerBinding.class));
        }
    }
}
