package io.quarkiverse.gcache.test.transactions;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * Holds the commit of a {@code @WithTransaction @GCacheInvalidate} method: its interceptor runs inside
 * {@code @WithTransaction}'s and outside GCache's, and chains the method's third parameter, a
 * {@code Function<Long, Uni<?>>} of the first, after the method's {@code Uni}.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface HoldBeforeCommit {
}
