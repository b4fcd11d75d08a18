package io.quarkiverse.gcache.runtime.invalidation;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Internal binding of {@link GCacheInvalidateInterceptor}, added by the build to every valid
 * {@code @GCacheInvalidate} method. It carries the id under which the build recorded the method
 * ({@link InvalidateMethod#id()}); the same mechanism as {@code GCachedBinding}.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE }) // TYPE for the interceptor class
public @interface GCacheInvalidateBinding {

    /** {@link InvalidateMethod#id()}; the interceptor class carries the default. */
    @Nonbinding
    String id() default "";
}
