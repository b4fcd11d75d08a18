package io.quarkiverse.gcache.runtime.invalidation;

import java.util.List;

import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * What the build decided about one {@code @GCacheInvalidate} method.
 *
 * @param parameterTypes binary names of the parameter types, to find the {@code Method} once at startup
 * @param idExtractor generated {@code IdExtractor} class for property-path ids, or {@code null}
 * @param kind {@code SYNC}, {@code UNI} or {@code COMPLETION_STAGE}
 */
public record InvalidateMethod(String declaringClass, String methodName, List<String> parameterTypes, String keyType,
        String idExtractor, int idParameter, String kind) {

    @RecordableConstructor
    public InvalidateMethod {
    }
}
