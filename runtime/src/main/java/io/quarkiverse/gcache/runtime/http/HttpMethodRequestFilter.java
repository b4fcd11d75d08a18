package io.quarkiverse.gcache.runtime.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.quarkus.arc.Arc;

/** Enables caching for every request whose HTTP method is in {@code quarkus.gcache.http.enable-for-methods}. */
public class HttpMethodRequestFilter implements ContainerRequestFilter {

    /** Read on first request: Quarkus REST creates filters at static init, before run-time config exists. */
    private volatile Set<String> methods;

    @Override
    public void filter(ContainerRequestContext requestContext) {
        Set<String> m = methods;
        if (m == null) {
            methods = m = Arc.container().instance(GCacheConfig.class).get().http().enableForMethods().orElse(List.of())
                    .stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        }
        if (!m.isEmpty() && m.contains(requestContext.getMethod())) {
            EnableScopes.enableCurrentContext();
        }
    }
}
