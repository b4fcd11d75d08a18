package io.quarkiverse.gcache.runtime.http;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;

/** Enables caching for every request whose HTTP method is in {@code quarkus.gcache.http.enable-for-methods}. */
public class HttpMethodRequestFilter implements ContainerRequestFilter {

    private final Set<String> methods;

    @Inject
    public HttpMethodRequestFilter(GCacheConfig config) {
        this.methods = config.http().enableForMethods().orElse(java.util.List.of()).stream()
                .map(m -> m.trim().toUpperCase(Locale.ROOT)).filter(m -> !m.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void filter(ContainerRequestContext requestContext) {
        if (!methods.isEmpty() && methods.contains(requestContext.getMethod())) {
            EnableScopes.enableCurrentContext();
        }
    }
}
