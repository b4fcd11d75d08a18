package io.quarkiverse.gcache.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveHierarchyBuildItem;

/**
 * What a native executable needs (reference: native image): cached value types for Jackson, and the classes the runtime
 * instantiates by name once at startup (adapters, serializers, generated id extractors).
 */
class NativeProcessor {

    @BuildStep
    void register(List<CachedMethodBuildItem> methods, List<InvalidateMethodBuildItem> invalidateMethods,
            BuildProducer<ReflectiveHierarchyBuildItem> hierarchy, BuildProducer<ReflectiveClassBuildItem> classes) {
        List<String> instantiated = new ArrayList<>();
        for (CachedMethodBuildItem m : methods) {
            hierarchy.produce(ReflectiveHierarchyBuildItem.builder(m.valueType())
                    .source("GCache value type of " + m.descriptor().declaration()).build());
            m.descriptor().args().stream().map(KeyArg::adapter).filter(Objects::nonNull).forEach(instantiated::add);
            if (m.descriptor().serializer() != null) {
                instantiated.add(m.descriptor().serializer());
            }
            if (m.descriptor().id().extractor() != null) {
                instantiated.add(m.descriptor().id().extractor());
            }
        }
        for (InvalidateMethodBuildItem m : invalidateMethods) {
            if (m.descriptor().idSource().extractor() != null) {
                instantiated.add(m.descriptor().idSource().extractor());
            }
        }
        if (!instantiated.isEmpty()) {
            classes.produce(ReflectiveClassBuildItem.builder(instantiated.stream().distinct().toArray(String[]::new))
                    .constructors().reason("GCache instantiates it at startup").build());
        }
    }
}
