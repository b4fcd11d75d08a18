package io.quarkiverse.gcache.deployment;

import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.gcache.runtime.CachedMethod;
import io.quarkus.builder.item.MultiBuildItem;

/** A {@code @GCached} method that passed validation, with everything the runtime needs about it. */
public final class CachedMethodBuildItem extends MultiBuildItem {

    private final MethodInfo method;
    private final CachedMethod descriptor;
    private final Type valueType;

    CachedMethodBuildItem(MethodInfo method, CachedMethod descriptor, Type valueType) {
        this.method = method;
        this.descriptor = descriptor;
        this.valueType = valueType;
    }

    public MethodInfo method() {
        return method;
    }

    public CachedMethod descriptor() {
        return descriptor;
    }

    /** The cached value type ({@code T} of {@code Uni<T>}); registered for reflection in native images. */
    public Type valueType() {
        return valueType;
    }
}
