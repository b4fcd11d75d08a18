package io.quarkiverse.gcache.runtime.keys;

import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * One argument of a cache key other than the id, as decided by the build (reference R4).
 *
 * @param name the parameter's name, which is also its name in the key
 * @param parameter the parameter's index
 * @param adapter the {@code GCacheKeyAdapter} class that turns it into a string, {@code null} when its own stable
 *        string form is used
 * @param form its {@link KeyForms} form when it is a composite (record, collection, array, map; R30), {@code null}
 *        when it is written in the plain form (a scalar, or through its adapter)
 */
public record KeyArg(String name, int parameter, String adapter, String form) {

    @RecordableConstructor
    public KeyArg {
    }
}
