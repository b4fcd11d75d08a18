package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.tracing.OpenTelemetryTracing;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * R16: cached calls on the current trace span, only when the application has OpenTelemetry tracing. Decided here, once:
 * without the bean the runtime uses a no-op and never loads an OpenTelemetry class.
 */
class TracingProcessor {

    @BuildStep
    void openTelemetry(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.OPENTELEMETRY_TRACER)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(OpenTelemetryTracing.class));
        }
    }
}
