package io.quarkiverse.gcache.it;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;

/**
 * Where the demo's spans go while no OpenTelemetry collector is configured: to this logger at DEBUG, which is off
 * unless its level is raised ({@code quarkus.log.category."io.quarkiverse.gcache.it.SpanLog".level=DEBUG}), instead of
 * to Quarkus's OTLP exporter. That exporter sends every batch to its default endpoint, {@code http://localhost:4317/},
 * and logs a warning per batch when nothing listens there; it also spent a third of the packaged demo's CPU under
 * load (see the performance page, "HTTP").
 * <p>
 * Quarkus installs its OTLP exporter only while no {@link SpanExporter} bean can be looked up ({@code
 * OTelExporterRecorder}), and the endpoint always has a value: {@code quarkus.otel.exporter.otlp.endpoint} defaults to
 * {@code http://localhost:4317/}, and an empty value falls back to that default (quarkus issue 44200). So this bean
 * can be looked up only while the traces endpoint is that default. Setting {@code quarkus.otel.exporter.otlp.endpoint}
 * (or {@code ...traces.endpoint}) to anything else, at build time or at run time (a system property, or the
 * environment variable {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}), suppresses it, and the spans go to that
 * collector. The condition is read when OpenTelemetry starts, from the runtime configuration.
 * <p>
 * The spans themselves are recorded either way (R16's attributes are set); tests add their in-memory exporter next to
 * this one.
 */
@Singleton
@Unremovable
@LookupIfProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint", stringValue = SpanLog.QUARKUS_DEFAULT_ENDPOINT, lookupIfMissing = true)
public class SpanLog implements SpanExporter {

    /** Quarkus's default OTLP endpoint ({@code OtlpExporterConfig.DEFAULT_GRPC_BASE_URI}), which means "not set". */
    static final String QUARKUS_DEFAULT_ENDPOINT = "http://localhost:4317/";

    private static final Logger LOG = Logger.getLogger(SpanLog.class);

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("%d spans (no OTLP endpoint is set, so they are not exported)", spans.size());
            for (SpanData span : spans) {
                LOG.debugf("  %s %s %d us %s", span.getKind(), span.getName(),
                        TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos() - span.getStartEpochNanos()),
                        span.getAttributes());
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
