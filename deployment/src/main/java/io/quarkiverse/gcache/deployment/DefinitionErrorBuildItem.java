package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.deployment.exception.GCacheDefinitionException;
import io.quarkus.builder.item.MultiBuildItem;

/** One rejected {@code @GCached} or {@code @GCacheInvalidate} declaration; all are reported together by ArC. */
public final class DefinitionErrorBuildItem extends MultiBuildItem {

    private final GCacheDefinitionException error;

    DefinitionErrorBuildItem(GCacheDefinitionException error) {
        this.error = error;
    }

    public GCacheDefinitionException error() {
        return error;
    }
}
