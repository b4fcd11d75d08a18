package io.quarkiverse.gcache.runtime.tracing;

import jakarta.inject.Singleton;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;

/**
 * Records cached calls on {@link Span#current()} (reference R16): attributes {@code gcache.use_case},
 * {@code gcache.layer} ({@code LOCAL}, {@code REMOTE} or {@code method}) and {@code gcache.hit}; events
 * {@code gcache.disabled} and {@code gcache.remote_error}. A bean only when the build finds the OpenTelemetry tracer
 * capability, so this class is never loaded without OpenTelemetry.
 * <p>
 * Guarantees: nothing is done for a span that is not recording (no span, sampled out, tracing disabled); a served call
 * allocates nothing here (keys are constants, layer names are enum constants' names, the hit flag a cached
 * {@code Boolean}); only events build an {@link Attributes}. Several cached calls under one span overwrite the
 * attributes (the last call wins) and add their events.
 */
@Singleton
public class OpenTelemetryTracing implements Tracing {

    static final AttributeKey<String> USE_CASE = AttributeKey.stringKey("gcache.use_case");
    static final AttributeKey<String> LAYER = AttributeKey.stringKey("gcache.layer");
    static final AttributeKey<Boolean> HIT = AttributeKey.booleanKey("gcache.hit");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("gcache.reason");
    static final AttributeKey<String> ERROR = AttributeKey.stringKey("gcache.error");
    /** The {@code gcache.layer} of a call the method answered. */
    static final String METHOD = "method";

    @Override
    public void served(String useCase, StatLayer layer) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(USE_CASE, useCase);
        span.setAttribute(LAYER, layer == null ? METHOD : layer.name());
        span.setAttribute(HIT, layer == null ? Boolean.FALSE : Boolean.TRUE);
    }

    @Override
    public void disabled(String useCase, StatLayer layer, DisabledReason reason) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.addEvent("gcache.disabled", Attributes.of(USE_CASE, useCase, LAYER, layer.name(), REASON, reason.tag()));
        }
    }

    @Override
    public void remoteFailed(String useCase, Throwable failure) {
        Span span = Span.current();
        if (span.isRecording()) {
            // the class only: a message may carry keys or values
            span.addEvent("gcache.remote_error", Attributes.of(USE_CASE, useCase, LAYER, CacheLayer.REMOTE.name(),
                    ERROR, failure.getClass().getName()));
        }
    }
}
