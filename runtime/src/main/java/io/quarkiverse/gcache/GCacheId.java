package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Marks the parameter that holds the entity id of a {@link GCached} or {@link GCacheInvalidate} method, as an
 * alternative to their {@code id} attribute. The value is an optional property path ({@code "id"},
 * {@code "account.id"}) resolved at build time.
 */
@Retention(RUNTIME)
@Target(PARAMETER)
public @interface GCacheId {

    /** Property path below the parameter; empty = the parameter itself. */
    String value() default "";
}
