package io.quarkiverse.gcache.deployment;

import java.util.List;

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
    void register(List<CachedMethodBuildItem> methods, BuildProducer<ReflectiveHierarchyBuildItem> hierarchy,
            BuildProducer<ReflectiveClassBuildItem> classes) {
        for (CachedMethodBuildItem m : methods) {
            hierarchy.produce(ReflectiveHierarchyBuildItem.builder(m.valueType())
                    .source("GCache value type of " + m.descriptor().declaration()).build());
            List<String> instantiated = new java.util.ArrayList<>();
            m.descriptor().argAdapters().stream().filter(a -> !a.isEmpty()).forEach(instantiated::add);
            if (!m.descriptor().serializer().isEmpty()) {
                instantiated.add(m.descriptor().serializer());
            }
            if (m.descriptor().idExtractor() != null) {
                instantiated.add(m.descriptor().idExtractor());
            }
            if (!instantiated.isEmpty()) {
                classes.produce(ReflectiveClassBuildItem.builder(instantiated.toArray(String[]::new)).constructors()
                        .reason("GCache instantiates it at startup").build());
            }
        }
    }
}
