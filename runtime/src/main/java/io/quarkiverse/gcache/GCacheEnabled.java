package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

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
 */
@InterceptorBinding
@NameBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE })
public @interface GCacheEnabled {
}
