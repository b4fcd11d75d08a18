package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Turns a parameter into its key string through a {@link GCacheKeyAdapter}. The adapter is the CDI bean of that
 * class when there is one, otherwise one instance made with its no-arg constructor at startup.
 */
@Retention(RUNTIME)
@Target(PARAMETER)
public @interface GCacheArg {

    Class<? extends GCacheKeyAdapter<?>> adapter();
}
