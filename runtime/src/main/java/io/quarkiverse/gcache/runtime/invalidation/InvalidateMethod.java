package io.quarkiverse.gcache.runtime.invalidation;

import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.IdSource;
import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * What the build decided about one {@code @GCacheInvalidate} method.
 *
 * @param id the key under which the runtime finds this record; the method's {@link GCacheInvalidateBinding} carries it
 * @param declaration {@code Class#method}, for messages
 */
public record InvalidateMethod(String id, String declaration, String keyType, MethodKind kind, IdSource idSource) {

    @RecordableConstructor
    public InvalidateMethod {
    }
}
