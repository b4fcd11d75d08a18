package io.quarkiverse.gcache.runtime;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Internal binding of {@link GCachedInterceptor}. The build adds it to every valid {@code @GCached} method (never
 * written by users), carrying the resolved use case name, so the runtime finds what the build recorded about the
 * method without reflection. Invalid methods do not get it and so are never intercepted.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE }) // TYPE for the interceptor class
public @interface GCachedBinding {

    /** The use case name; the interceptor class carries the default. */
    @Nonbinding
    String useCase() default "";
}
