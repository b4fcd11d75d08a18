package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * After the method returns normally (for a {@code Uni}/{@code CompletionStage}: completes with an item),
 * invalidates the entity named by {@link #keyType()} and {@link #id()} (or a {@link GCacheId} parameter), as
 * {@link GCache#invalidate(String, String)} does. Works with or without an enable scope; never when the method
 * throws.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE }) // the build rejects it on classes
public @interface GCacheInvalidate {

    @Nonbinding
    String keyType();

    /** Parameter name with optional property path; empty when a parameter carries {@link GCacheId}. */
    @Nonbinding
    String id() default "";
}
