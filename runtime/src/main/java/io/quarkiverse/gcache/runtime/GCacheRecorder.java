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

    /**
     * @param managementInterfaceWithoutAuth the route is on the Quarkus management interface and authentication is not
     *        enabled there ({@code quarkus.management.auth.enabled}/{@code .basic} unset), so no caller can get in
     */
    public io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> managementHandler(boolean managementInterfaceWithoutAuth) {
        if (managementInterfaceWithoutAuth && org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.gcache.management.enabled", Boolean.class).orElse(false)) {
            // reference: runtime control: the endpoint stays closed (401 for everyone), but the operator must learn why
            org.jboss.logging.Logger.getLogger("io.quarkiverse.gcache").warn(
                    io.quarkiverse.gcache.runtime.http.ManagementHandler.MANAGEMENT_AUTH_OFF);
        }
        return new io.quarkiverse.gcache.runtime.http.ManagementHandler(managementInterfaceWithoutAuth,
                () -> io.quarkus.arc.Arc.container().instance(GCacheRuntime.class).get().control());
    }

    /** The build-time list of {@code @GCacheInvalidate} methods, as a bean. */
    public record InvalidateMethods(List<InvalidateMethod> methods) {
    }

    /** The build-time list of cached methods, as a bean. */
    public record CachedMethods(List<CachedMethod> methods) {
    }
}
