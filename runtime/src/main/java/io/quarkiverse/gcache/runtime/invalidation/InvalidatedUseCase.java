package io.quarkiverse.gcache.runtime.invalidation;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;

/**
 * What invalidation needs of a use case: its key type and keys, its LOCAL layer to drop entries from, and its REMOTE
 * TTLs, which the watermark must outlive (R7). The use case implements it; this package does not depend on the package
 * that uses it.
 */
public interface InvalidatedUseCase {

    String keyType();

    KeyBuilder keys();

    LocalLayer localLayer();

    LayerPolicy policy(CacheLayer layer);
}
