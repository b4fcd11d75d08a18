package io.quarkiverse.gcache.runtime;

import java.util.List;
import java.util.function.Supplier;

import io.quarkus.runtime.annotations.Recorder;

/** Hands what the build found to the runtime. */
@Recorder
public class GCacheRecorder {

    public Supplier<CachedMethods> cachedMethods(List<CachedMethod> methods) {
        CachedMethods all = new CachedMethods(methods);
        return () -> all;
    }

    /** The build-time list of cached methods, as a bean. */
    public record CachedMethods(List<CachedMethod> methods) {
    }
}
