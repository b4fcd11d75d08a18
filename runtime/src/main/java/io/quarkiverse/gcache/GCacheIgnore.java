package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Leaves a parameter out of the cache key (sessions, connections, anything that does not change the result).
 * A call whose key omits a parameter may be served the value computed with another value of that parameter.
 */
@Retention(RUNTIME)
@Target(PARAMETER)
public @interface GCacheIgnore {
}
