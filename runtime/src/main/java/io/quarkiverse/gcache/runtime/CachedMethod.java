package io.quarkiverse.gcache.runtime;

import java.util.List;

import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * What the build decided about one {@code @GCached} method (recorded bytecode, read at startup). Durations are
 * kept as the annotation's strings, already validated at build time; {@code -1} ramps mean "not set".
 *
 * @param idExtractor generated {@code IdExtractor} class for property-path ids, or {@code null}
 * @param idParameter index of the id parameter
 * @param argNames key argument names, sorted (R4)
 * @param argIndexes parameter index of each argument
 * @param argAdapters adapter class of each argument, {@code ""} for none
 * @param valueType canonical Jackson form of the cached value type ({@code T} of {@code Uni<T>})
 * @param serializer serializer class, {@code ""} for JSON
 * @param valueShape fingerprint of the value type's shape (R14b)
 */
public record CachedMethod(String useCase, String keyType, String declaration, String kind, String idExtractor,
        int idParameter, List<String> argNames, List<Integer> argIndexes, List<String> argAdapters, String localTtl,
        String remoteTtl, int localRamp, int remoteRamp, boolean tracked, String valueType, String serializer,
        long valueShape) {

    @RecordableConstructor
    public CachedMethod {
    }
}
