package io.quarkiverse.gcache.runtime.tracing;

import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;

/**
 * What a cached call tells the current trace span (reference R16). Free of OpenTelemetry types: {@link #NOOP} is used
 * unless the build found OpenTelemetry tracing, and then {@link OpenTelemetryTracing}, the only class that touches
 * OpenTelemetry, is a bean. Calls happen on the caller's thread or Vert.x context, where its span is current; only a
 * REMOTE write failure is reported later, when Redis answers (the call does not wait for writes).
 */
public interface Tracing {

    /** Without OpenTelemetry: every call is an empty method, inlined away on the hot path. */
    Tracing NOOP = new Tracing() {
    };

    /** The call was answered by {@code layer}, or by the method when {@code null}. */
    default void served(String useCase, StatLayer layer) {
    }

    /** A layer was not used by the call, for {@code reason}; {@link StatLayer#GLOBAL}: the cache was off (R1). */
    default void disabled(String useCase, StatLayer layer, DisabledReason reason) {
    }

    /** A REMOTE read or write failed; the call went on without it (R10). */
    default void remoteFailed(String useCase, Throwable failure) {
    }
}
