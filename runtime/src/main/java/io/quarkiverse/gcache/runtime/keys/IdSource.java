package io.quarkiverse.gcache.runtime.keys;

import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * Where a method's entity id comes from, as decided by the build (reference R4, R13).
 *
 * @param parameter index of the parameter holding the id (or the object the path starts from)
 * @param extractor generated {@link IdExtractor} class for a property path ({@code user.id}); {@code null} when the
 *        parameter itself is the id
 */
public record IdSource(int parameter, String extractor) {

    @RecordableConstructor
    public IdSource {
    }

}
