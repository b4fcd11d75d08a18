package io.quarkiverse.gcache.deployment;

import org.jboss.jandex.MethodInfo;

import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
import io.quarkus.builder.item.MultiBuildItem;

/** A {@code @GCacheInvalidate} method that passed validation, with what the runtime needs about it. */
public final class InvalidateMethodBuildItem extends MultiBuildItem {

    private final MethodInfo method;
    private final InvalidateMethod descriptor;

    InvalidateMethodBuildItem(MethodInfo method, InvalidateMethod descriptor) {
        this.method = method;
        this.descriptor = descriptor;
    }

    public MethodInfo method() {
        return method;
    }

    public InvalidateMethod descriptor() {
        return descriptor;
    }
}
