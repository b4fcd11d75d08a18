package io.quarkiverse.gcache.deployment;

import static io.quarkiverse.gcache.deployment.GCacheDotNames.COMPLETABLE_FUTURE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.COMPLETION_STAGE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHED;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHED_BINDING;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.UNI;
import static io.quarkiverse.gcache.deployment.KeyPlanner.declaration;
import static io.quarkiverse.gcache.deployment.KeyPlanner.stringValue;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.gcache.deployment.exception.DuplicateUseCaseException;
import io.quarkiverse.gcache.deployment.exception.GCacheDefinitionException;
import io.quarkiverse.gcache.deployment.exception.InvalidSettingException;
import io.quarkiverse.gcache.deployment.exception.UnsupportedMethodException;
import io.quarkiverse.gcache.deployment.exception.ValueRoundTripException;
import io.quarkiverse.gcache.runtime.CachedMethod;
import io.quarkiverse.gcache.runtime.GCacheRecorder;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.IdSource;
import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkus.arc.deployment.AnnotationsTransformerBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.GeneratedClassGizmoAdaptor;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.GeneratedClassBuildItem;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * {@code @GCached}: finds every annotated method, validates it (reference R12, R13, R31), plans its key (R4, R30, through
 * {@link KeyPlanner}), binds it to the interceptor with its use case name and records what the runtime needs.
 * Invalid methods become {@link DefinitionErrorBuildItem}s and are not bound.
 */
class GCachedProcessor {

    @BuildStep
    void discover(CombinedIndexBuildItem combinedIndex, BuildProducer<GeneratedClassBuildItem> generated,
            BuildProducer<CachedMethodBuildItem> methods, BuildProducer<DefinitionErrorBuildItem> errorItems) {
        IndexView index = combinedIndex.getIndex();
        Set<String> remoteInConfig = remoteInConfig();
        List<GCacheDefinitionException> errors = new ArrayList<>();
        Map<String, String> useCases = new HashMap<>();
        List<AnnotationInstance> annotations = new ArrayList<>(index.getAnnotations(GCACHED));
        annotations.sort(Comparator.comparing(a -> a.target().toString()));
        GeneratedClassGizmoAdaptor output = new GeneratedClassGizmoAdaptor(generated, true);
        for (AnnotationInstance annotation : annotations) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                errors.add(new UnsupportedMethodException(annotation.target().asClass().name().toString(),
                        "@GCached belongs on methods, not on a class; annotate each method to cache with its own "
                                + "keyType and id"));
                continue;
            }
            if (annotation.target().kind() != AnnotationTarget.Kind.METHOD) {
                continue;
            }
            CachedMethodBuildItem item = validate(annotation.target().asMethod(), annotation, index, remoteInConfig,
                    errors, output);
            if (item == null) {
                continue;
            }
            String previous = useCases.putIfAbsent(item.descriptor().useCase(), item.descriptor().declaration());
            if (previous != null) {
                errors.add(new DuplicateUseCaseException(item.descriptor().declaration(), item.descriptor().useCase(),
                        "duplicate GCache use case '" + item.descriptor().useCase() + "', also on " + previous
                                + " (overloads included): give one of them a distinct @GCached(useCase = ...)"));
                continue;
            }
            methods.produce(item);
        }
        errors.forEach(e -> errorItems.produce(new DefinitionErrorBuildItem(e)));
    }

    /** Adds the internal binding with the use case name, so the interceptor finds the use case with one lookup. */
    @BuildStep
    AnnotationsTransformerBuildItem bind(List<CachedMethodBuildItem> methods) {
        Map<MethodInfo, String> names = new HashMap<>();
        for (CachedMethodBuildItem m : methods) {
            names.put(m.method(), m.descriptor().useCase());
        }
        return GCacheDotNames.addBinding(GCACHED_BINDING, "useCase", names);
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem record(List<CachedMethodBuildItem> methods, GCacheRecorder recorder) {
        List<CachedMethod> descriptors = methods.stream().map(CachedMethodBuildItem::descriptor)
                .sorted(Comparator.comparing(CachedMethod::useCase)).toList();
        return SyntheticBeanBuildItem.configure(GCacheRecorder.CachedMethods.class)
                .supplier(recorder.cachedMethods(new ArrayList<>(descriptors)))
                .unremovable()
                .done();
    }

    private static CachedMethodBuildItem validate(MethodInfo method, AnnotationInstance annotation, IndexView index,
            Set<String> remoteInConfig, List<GCacheDefinitionException> errors, GeneratedClassGizmoAdaptor output) {
        String declaration = declaration(method);
        int before = errors.size();
        // R12: the shape of the method
        if (Modifier.isPrivate(method.flags())) {
            errors.add(new UnsupportedMethodException(declaration,
                    "@GCached method must not be private (interceptors cannot reach it)"));
        }
        if (Modifier.isStatic(method.flags())) {
            errors.add(new UnsupportedMethodException(declaration,
                    "@GCached method must not be static (interceptors cannot reach it)"));
        }
        Type returnType = method.returnType();
        MethodKind kind = MethodKind.SYNC;
        Type valueType = returnType;
        if (returnType.kind() == Type.Kind.VOID) {
            errors.add(new UnsupportedMethodException(declaration,
                    "@GCached method returns void; there is nothing to cache"));
        } else if (GCacheDotNames.isStream(returnType.name())) {
            errors.add(new UnsupportedMethodException(declaration, "@GCached does not support streams ("
                    + returnType.name() + "); return Uni<List<T>> to cache a collected result"));
        } else if (returnType.name().equals(UNI) || returnType.name().equals(COMPLETION_STAGE)
                || returnType.name().equals(COMPLETABLE_FUTURE)) {
            kind = GCacheDotNames.methodKind(returnType.name());
            if (returnType.kind() != Type.Kind.PARAMETERIZED_TYPE) {
                errors.add(new UnsupportedMethodException(declaration,
                        "@GCached reactive method must declare its item type, e.g. Uni<User>"));
                return null;
            }
            valueType = returnType.asParameterizedType().arguments().get(0);
        }
        String valueCanonical = returnType.kind() == Type.Kind.VOID ? null : KeyTypes.canonical(valueType);
        if (returnType.kind() != Type.Kind.VOID && valueCanonical == null) {
            errors.add(new UnsupportedMethodException(declaration, "@GCached value type " + valueType + " contains a "
                    + "type variable or a generic array; REMOTE values are read back with the declared type, so it "
                    + "must be concrete"));
        }

        // R13: names and settings
        if (stringValue(annotation, "keyType").isBlank()) {
            errors.add(new InvalidSettingException(declaration, "keyType", "@GCached keyType must not be empty"));
        }
        String useCase = stringValue(annotation, "useCase");
        if (useCase.isEmpty()) {
            useCase = method.declaringClass().simpleName() + "." + method.name();
        }
        if (Urns.WATERMARK.equals(useCase)) {
            errors.add(new InvalidSettingException(declaration, "useCase", "the use case name 'watermark' is "
                    + "reserved for invalidation watermarks; choose another @GCached(useCase = ...)"));
        }
        String localTtl = ttl(annotation, "localTtl", declaration, errors);
        String remoteTtl = ttl(annotation, "remoteTtl", declaration, errors);
        Integer localRamp = ramp(annotation, "localRamp", declaration, errors);
        Integer remoteRamp = ramp(annotation, "remoteRamp", declaration, errors);
        boolean tracked = annotation.value("trackForInvalidation") == null
                || annotation.value("trackForInvalidation").asBoolean();
        String serializer = annotation.value("serializer") == null ? null
                : annotation.value("serializer").asClass().name().toString();
        if ("io.quarkiverse.gcache.GCacheSerializer$Default".equals(serializer)) {
            serializer = null;
        }

        // R31: values must come back from REMOTE as what was stored
        String remoteRefused = null;
        if (serializer == null && valueCanonical != null) {
            RoundTrips.Problem problem = RoundTrips.problem(valueType, index);
            if (problem != null) {
                String message = "@GCached value type " + valueType + " cannot come back from REMOTE as it was "
                        + "stored: " + problem.reason() + ". Declare the concrete type the method returns"
                        + (problem.typeInfoHelps() ? ", add @JsonTypeInfo to " + problem.type() : "")
                        + ", set a serializer that keeps the type (@GCached(serializer = ...)), or do not use REMOTE "
                        + "for this use case (no remoteTtl/remoteRamp, no quarkus.gcache.use-case.\"" + useCase
                        + "\".remote.* settings)";
                if (remoteTtl != null || remoteRamp != null || remoteInConfig.contains(useCase)) {
                    errors.add(new ValueRoundTripException(declaration, problem.type(), message));
                } else {
                    remoteRefused = message; // REMOTE stays off even if run-time settings turn it on
                }
            }
        }

        // R4, R13: the id and the key arguments
        KeyPlanner.IdPlan id = KeyPlanner.resolveId(method, annotation, declaration, index, errors);
        List<KeyArg> args = id == null ? List.of() : KeyPlanner.planArgs(method, id.parameter(), declaration, index, errors);
        if (id == null || errors.size() > before) {
            return null;
        }
        IdSource idSource = KeyPlanner.emit(id, method, "GCacheId", output);
        CachedMethod descriptor = new CachedMethod(useCase, stringValue(annotation, "keyType"), declaration, kind,
                idSource, new ArrayList<>(args), localTtl, remoteTtl, localRamp, remoteRamp, tracked, valueCanonical,
                serializer, ValueShapes.fingerprint(valueType, index), remoteRefused);
        return new CachedMethodBuildItem(method, descriptor, valueType);
    }

    /**
     * R31: the use cases whose REMOTE layer {@code application.properties} configures as the build sees it
     * ({@code quarkus.gcache.use-case."X".remote.ttl} or {@code .ramp}, in any profile).
     */
    static Set<String> remoteInConfig() {
        Set<String> names = new HashSet<>();
        String start = "quarkus.gcache.use-case.";
        for (String property : ConfigProvider.getConfig().getPropertyNames()) {
            String p = property.startsWith("%") && property.indexOf('.') > 0
                    ? property.substring(property.indexOf('.') + 1)
                    : property;
            for (String end : new String[] { ".remote.ttl", ".remote.ramp" }) {
                if (p.startsWith(start) && p.endsWith(end) && p.length() > start.length() + end.length()) {
                    String name = p.substring(start.length(), p.length() - end.length());
                    names.add(name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
                            ? name.substring(1, name.length() - 1)
                            : name);
                }
            }
        }
        return names;
    }

    /** The TTL attribute, {@code null} when not set. */
    private static String ttl(AnnotationInstance a, String name, String declaration,
            List<GCacheDefinitionException> errors) {
        String value = stringValue(a, name);
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (DurationConverter.parseDuration(value).isNegative()) {
                errors.add(new InvalidSettingException(declaration, name,
                        "@GCached " + name + " = \"" + value + "\" is negative"));
            }
        } catch (RuntimeException e) {
            errors.add(new InvalidSettingException(declaration, name, "@GCached " + name + " = \"" + value
                    + "\" is not a duration; use ISO-8601 (PT60S) or the 60s / 5m form"));
        }
        return value;
    }

    /** The ramp attribute, {@code null} when not set ({@code -1}). */
    private static Integer ramp(AnnotationInstance a, String name, String declaration,
            List<GCacheDefinitionException> errors) {
        int value = a.value(name) == null ? -1 : a.value(name).asInt();
        if (value < -1 || value > 100) {
            errors.add(new InvalidSettingException(declaration, name,
                    "@GCached " + name + " = " + value + " must be between 0 and 100 (or -1 for not set)"));
        }
        return value == -1 ? null : value;
    }
}
