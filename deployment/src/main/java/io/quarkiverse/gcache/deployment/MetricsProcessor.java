package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.metrics.MicrometerBinding;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/** R16: the Micrometer binding, only when the application has Micrometer. */
class MetricsProcessor {

    @BuildStep
    void micrometer(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        // quarkus-micrometer provides the metrics capability; the class check excludes other metrics extensions
        if (capabilities.isPresent(Capability.METRICS)
                && QuarkusClassLoader.isClassPresentAtRuntime("io.micrometer.core.instrument.MeterRegistry")) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(MicrometerBinding.class));
        }
    }
}
