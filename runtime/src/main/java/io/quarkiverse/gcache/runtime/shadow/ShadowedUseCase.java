package io.quarkiverse.gcache.runtime.shadow;

import java.lang.reflect.Type;

import jakarta.interceptor.InvocationContext;

import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseMeters;
import io.smallrye.mutiny.Uni;

/**
 * What shadow verification (R22) needs of a use case: how to run its method again, how to compare values, where to
 * record and what to drop on a mismatch. The use case implements it; this package does not depend on the package that
 * uses it.
 */
public interface ShadowedUseCase {

    String name();

    MethodKind kind();

    /** Runs a {@code Uni} or {@code CompletionStage} method as a {@code Uni} (a throw or a {@code null} fails it). */
    Uni<Object> invokeReactive(InvocationContext ctx);

    GCacheSerializer serializer();

    Type valueType();

    UseCaseShadow shadow();

    UseCaseMeters meters();

    LocalLayer localLayer();

    KeyBuilder keys();
}
