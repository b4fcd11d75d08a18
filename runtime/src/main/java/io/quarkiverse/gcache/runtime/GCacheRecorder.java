package io.quarkiverse.gcache.runtime;

import java.util.List;
import java.util.function.Supplier;

import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
import io.quarkus.runtime.annotations.Recorder;

/** Hands what the build found to the runtime. */
@Recorder
public class GCacheRecorder {

    public Supplier<CachedMethods> cachedMethods(List<CachedMethod> methods) {
        CachedMethods all = new CachedMethods(methods);
        return () -> all;
    }

    public Supplier<InvalidateMethods> invalidateMethods(List<InvalidateMethod> methods) {
        InvalidateMethods all = new InvalidateMethods(methods);
        return () -> all;
    }

    public java.util.function.Consumer<io.vertx.ext.web.Route> readBodyFirst(
            io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> bodyHandler) {
        return route -> route.handler(bodyHandler);
    }

    public io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> managementHandler() {
        return new io.quarkiverse.gcache.runtime.http.ManagementHandler();
    }

    /** The build-time list of {@code @GCacheInvalidate} methods, as a bean. */
    public record InvalidateMethods(List<InvalidateMethod> methods) {
    }

    /** The build-time list of cached methods, as a bean. */
    public record CachedMethods(List<CachedMethod> methods) {
    }
}
