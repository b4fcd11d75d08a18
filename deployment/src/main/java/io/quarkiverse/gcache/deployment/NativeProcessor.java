package io.quarkiverse.gcache.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveHierarchyBuildItem;

/**
 * What a native executable needs (reference: native image): cached value types for Jackson, every class a recorded
 * value type names (the runtime loads each by name at startup, {@code java.util.List} included), and the classes the
 * runtime instantiates by name once at startup (adapters, serializers, generated id extractors), and the records of
 * composite key arguments, whose accessors the runtime calls reflectively (R30).
 */
class NativeProcessor {

    /** A record in a key form ({@code KeyForms}): {@code R<class>(}. */
    private static final Pattern RECORD_FORM = Pattern.compile("R([^(),:;]+)\\(");

    @BuildStep
    void register(List<CachedMethodBuildItem> methods, List<InvalidateMethodBuildItem> invalidateMethods,
            BuildProducer<ReflectiveHierarchyBuildItem> hierarchy, BuildProducer<ReflectiveClassBuildItem> classes) {
        List<String> instantiated = new ArrayList<>();
        Set<String> loaded = new TreeSet<>();
        Set<String> keyRecords = new TreeSet<>();
        for (CachedMethodBuildItem m : methods) {
            for (KeyArg arg : m.descriptor().args()) {
                if (arg.form() != null) {
                    Matcher record = RECORD_FORM.matcher(arg.form());
                    while (record.find()) {
                        keyRecords.add(record.group(1));
                    }
                }
            }
            hierarchy.produce(ReflectiveHierarchyBuildItem.builder(m.valueType())
                    .source("GCache value type of " + m.descriptor().declaration()).build());
            if (m.descriptor().valueType() != null) {
                // ValueTypes.parse: Class.forName per name; the hierarchy item above skips java.* classes
                loaded.addAll(List.of(m.descriptor().valueType().split("[<>,]+")));
            }
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
        loaded.remove("");
        if (!loaded.isEmpty()) {
            classes.produce(ReflectiveClassBuildItem.builder(loaded.toArray(String[]::new)).constructors(false)
                    .reason("GCache loads it by name at startup (a cached value type)").build());
        }
        if (!keyRecords.isEmpty()) {
            classes.produce(ReflectiveClassBuildItem.builder(keyRecords.toArray(String[]::new)).methods()
                    .reason("GCache reads the components of composite key arguments (R30)").build());
        }
        if (!instantiated.isEmpty()) {
            classes.produce(ReflectiveClassBuildItem.builder(instantiated.stream().distinct().toArray(String[]::new))
                    .constructors().reason("GCache instantiates it at startup").build());
        }
    }
}
