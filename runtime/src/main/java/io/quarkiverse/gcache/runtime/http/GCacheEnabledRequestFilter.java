package io.quarkiverse.gcache.runtime.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import io.quarkiverse.gcache.runtime.scope.EnableScopes;

/**
 * Enables caching for a request to a resource annotated {@code @GCacheEnabled} (bound by name at build time). The
 * flag lives on the request's Vert.x duplicated context, so it follows the request across async hops (R1).
 */
public class GCacheEnabledRequestFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext requestContext) {
        EnableScopes.enableCurrentContext();
    }
}
