package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import jakarta.ws.rs.NameBinding;

/**
 * Enables caching (reference R1).
 * <ul>
 * <li>On a JAX-RS resource class or method: for the whole HTTP request, including code that runs after async hops
 * on the request's Vert.x context (the extension's request filter sets it).</li>
 * <li>On any other CDI bean method: for the call, and for the {@code Uni} or {@code CompletionStage} it returns.</li>
 * </ul>
 * A {@link GCache#disable()} scope inside still opts out.
 * <p>
 * Within the scope, once it invalidated an entity ({@link GCacheInvalidate}, {@link GCache#invalidate}), later cached
 * reads of that entity run their method, bypassing every layer: a request that writes and then reads gets what it
 * wrote, not a value another layer or instance still holds (read your writes).
 */
@InterceptorBinding
@NameBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE })
public @interface GCacheEnabled {

    /**
     * Set to {@code true} on a JAX-RS method that answers {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE} (or
     * on its resource class) to say that caching is meant for that write request. Without it such a method is a
     * build-time warning: a write path is where stale data hurts most. The reads it makes after its own invalidations
     * bypass the cache, but reads of entities it writes without invalidating them, or before it invalidates them, and
     * values of entities other requests change meanwhile, are served from the cache like in any other request. Changes
     * nothing at run time.
     */
    @Nonbinding
    boolean writes() default false;
}
