package io.quarkiverse.gcache.deployment;

import static io.quarkiverse.gcache.deployment.GCacheDotNames.COMPLETABLE_FUTURE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.COMPLETION_STAGE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.FLOW_PUBLISHER;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHED;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_ARG;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_ID;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_IGNORE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.MULTI;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.PUBLISHER;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.UNI;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.inject.spi.DeploymentException;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationTransformation;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.MethodParameterInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.gcache.runtime.CachedMethod;
import io.quarkiverse.gcache.runtime.GCacheRecorder;
import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
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
 * Finds every {@code @GCached} method, validates it (R12, R13), decides how its key is built and records that for
 * the runtime. Errors name the class, method and parameter, and say how to fix them.
 */
class CachedMethodsProcessor {

    /** The validated methods. */
    static final class Discovery extends io.quarkus.builder.item.SimpleBuildItem {
        final List<CachedMethodBuildItem> methods;
        final List<InvalidateMethod> invalidateMethods;

        Discovery(List<CachedMethodBuildItem> methods, List<InvalidateMethod> invalidateMethods) {
            this.methods = methods;
            this.invalidateMethods = invalidateMethods;
        }
    }

    @BuildStep
    Discovery discover(CombinedIndexBuildItem combinedIndex, BuildProducer<GeneratedClassBuildItem> generated) {
        IndexView index = combinedIndex.getIndex();
        List<CachedMethodBuildItem> methods = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        Map<String, String> useCases = new HashMap<>();
        List<AnnotationInstance> annotations = new ArrayList<>(index.getAnnotations(GCACHED));
        annotations.sort(Comparator.comparing(a -> a.target().toString()));
        GeneratedClassGizmoAdaptor output = new GeneratedClassGizmoAdaptor(generated, true);
        for (AnnotationInstance annotation : annotations) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                if (!annotation.target().asClass().name().toString().startsWith("io.quarkiverse.gcache.runtime.")) {
                    errors.add(error(annotation.target().asClass().name() + ": @GCached belongs on methods, not on a "
                            + "class; annotate each method to cache with its own keyType and id"));
                }
                continue;
            }
            if (annotation.target().kind() != AnnotationTarget.Kind.METHOD) {
                continue;
            }
            MethodInfo method = annotation.target().asMethod();
            CachedMethodBuildItem item = validate(method, annotation, index, errors, output);
            if (item == null) {
                continue;
            }
            String previous = useCases.putIfAbsent(item.descriptor().useCase(), item.descriptor().declaration());
            if (previous != null) {
                errors.add(error("Duplicate GCache use case '" + item.descriptor().useCase() + "' on "
                        + item.descriptor().declaration() + " and " + previous
                        + " (overloads included): give one of them a distinct @GCached(useCase = ...)"));
                continue;
            }
            methods.add(item);
        }
        List<InvalidateMethod> invalidateMethods = new ArrayList<>();
        for (AnnotationInstance annotation : index.getAnnotations(GCacheDotNames.GCACHE_INVALIDATE)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                if (!annotation.target().asClass().name().toString().startsWith("io.quarkiverse.gcache.runtime.")) {
                    errors.add(error(annotation.target().asClass().name() + ": @GCacheInvalidate belongs on methods"));
                }
                continue;
            }
            if (annotation.target().kind() == AnnotationTarget.Kind.METHOD) {
                InvalidateMethod m = validateInvalidate(annotation.target().asMethod(), annotation, index, errors, output);
                if (m != null) {
                    invalidateMethods.add(m);
                }
            }
        }
        if (!errors.isEmpty()) {
            // Thrown before bean discovery, so these messages come before ArC's own, less specific ones.
            DeploymentException all = new DeploymentException("GCache found " + errors.size()
                    + " invalid @GCached method(s):\n - " + String.join("\n - ",
                            errors.stream().map(Throwable::getMessage).toList()));
            errors.forEach(all::addSuppressed);
            throw all;
        }
        return new Discovery(methods, invalidateMethods);
    }

    @BuildStep
    void produce(Discovery discovery, BuildProducer<CachedMethodBuildItem> items) {
        discovery.methods.forEach(items::produce);
    }

    /** Writes each method's resolved use case name into its binding, so the interceptor finds it with one lookup. */
    @BuildStep
    AnnotationsTransformerBuildItem resolveUseCaseNames(Discovery discovery) {
        Map<MethodInfo, String> names = new HashMap<>();
        for (CachedMethodBuildItem m : discovery.methods) {
            names.put(m.method(), m.descriptor().useCase());
        }
        return new AnnotationsTransformerBuildItem(AnnotationTransformation.forMethods()
                .whenMethod(names::containsKey)
                .transform(ctx -> {
                    MethodInfo method = ctx.declaration().asMethod();
                    AnnotationInstance original = method.annotation(GCACHED);
                    if (original == null) {
                        return;
                    }
                    List<AnnotationValue> values = new ArrayList<>();
                    for (AnnotationValue v : original.values()) {
                        if (!v.name().equals("useCase")) {
                            values.add(v);
                        }
                    }
                    values.add(AnnotationValue.createStringValue("useCase", names.get(method)));
                    ctx.remove(a -> a.name().equals(GCACHED));
                    ctx.add(AnnotationInstance.create(GCACHED, method, values));
                }));
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

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem recordInvalidations(Discovery discovery, GCacheRecorder recorder,
            BuildProducer<io.quarkus.deployment.builditem.nativeimage.ReflectiveMethodBuildItem> reflective,
            BuildProducer<io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem> classes) {
        for (InvalidateMethod m : discovery.invalidateMethods) {
            if (m.idExtractor() != null) {
                classes.produce(io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem
                        .builder(m.idExtractor()).constructors().reason("GCache instantiates it at startup").build());
            }
            reflective.produce(new io.quarkus.deployment.builditem.nativeimage.ReflectiveMethodBuildItem(
                    "GCache finds @GCacheInvalidate methods at startup", m.declaringClass(), m.methodName(),
                    m.parameterTypes().toArray(String[]::new)));
        }
        return SyntheticBeanBuildItem.configure(GCacheRecorder.InvalidateMethods.class)
                .supplier(recorder.invalidateMethods(new ArrayList<>(discovery.invalidateMethods)))
                .unremovable()
                .done();
    }

    private static InvalidateMethod validateInvalidate(MethodInfo method, AnnotationInstance annotation,
            IndexView index, List<Throwable> errors, GeneratedClassGizmoAdaptor output) {
        String declaration = method.declaringClass().name() + "#" + method.name();
        int before = errors.size();
        if (Modifier.isPrivate(method.flags()) || Modifier.isStatic(method.flags())) {
            errors.add(error(declaration + ": @GCacheInvalidate method must be neither private nor static "
                    + "(interceptors cannot reach it)"));
        }
        DotName returned = method.returnType().name();
        if (returned.equals(MULTI) || returned.equals(PUBLISHER) || returned.equals(FLOW_PUBLISHER)) {
            errors.add(error(declaration + ": @GCacheInvalidate does not support streams; return Uni, "
                    + "CompletionStage, a value or void"));
        }
        if (stringValue(annotation, "keyType", "").isBlank()) {
            errors.add(error(declaration + ": @GCacheInvalidate keyType must not be empty"));
        }
        IdPlan id = resolveId(method, annotation, declaration, index, errors);
        if (id == null || errors.size() > before) {
            return null;
        }
        String extractor = null;
        if (!id.steps().isEmpty()) {
            extractor = method.declaringClass().name() + "$$GCacheInvalidateId$" + method.name() + "$"
                    + Math.abs(method.toString().hashCode());
            IdPaths.generate(output, extractor.replace('.', '/'), id.index(), id.steps());
        }
        String kind = returned.equals(UNI) ? "UNI"
                : returned.equals(COMPLETION_STAGE) || returned.equals(COMPLETABLE_FUTURE) ? "COMPLETION_STAGE" : "SYNC";
        List<String> parameterTypes = method.parameterTypes().stream().map(KeyTypes::binaryName).toList();
        return new InvalidateMethod(method.declaringClass().name().toString(), method.name(),
                new ArrayList<>(parameterTypes), stringValue(annotation, "keyType", ""), extractor, id.index(), kind);
    }

    private static CachedMethodBuildItem validate(MethodInfo method, AnnotationInstance annotation, IndexView index,
            List<Throwable> errors, GeneratedClassGizmoAdaptor output) {
        String declaration = method.declaringClass().name() + "#" + method.name();
        int before = errors.size();
        // R12: shape of the method
        if (Modifier.isPrivate(method.flags())) {
            errors.add(error(declaration + ": @GCached method must not be private (interceptors cannot reach it)"));
        }
        if (Modifier.isStatic(method.flags())) {
            errors.add(error(declaration + ": @GCached method must not be static (interceptors cannot reach it)"));
        }
        Type returnType = method.returnType();
        String kind = "SYNC";
        Type valueType = returnType;
        if (returnType.kind() == Type.Kind.VOID) {
            errors.add(error(declaration + ": @GCached method returns void; there is nothing to cache"));
        } else if (returnType.name().equals(MULTI) || returnType.name().equals(PUBLISHER)
                || returnType.name().equals(FLOW_PUBLISHER)) {
            errors.add(error(declaration + ": @GCached does not support streams (" + returnType.name()
                    + "); return Uni<List<T>> to cache a collected result"));
        } else if (returnType.name().equals(UNI) || returnType.name().equals(COMPLETION_STAGE)
                || returnType.name().equals(COMPLETABLE_FUTURE)) {
            kind = returnType.name().equals(UNI) ? "UNI" : "COMPLETION_STAGE";
            if (returnType.kind() != Type.Kind.PARAMETERIZED_TYPE) {
                errors.add(error(declaration + ": @GCached reactive method must declare its item type, e.g. Uni<User>"));
                return null;
            }
            valueType = returnType.asParameterizedType().arguments().get(0);
        }
        String valueCanonical = returnType.kind() == Type.Kind.VOID ? null : KeyTypes.canonical(valueType);
        if (returnType.kind() != Type.Kind.VOID && valueCanonical == null) {
            errors.add(error(declaration + ": @GCached value type " + valueType + " contains a type variable or a "
                    + "generic array; REMOTE values are read back with the declared type, so it must be concrete"));
        }

        // R13: names and configuration
        String keyType = stringValue(annotation, "keyType", "");
        if (keyType.isBlank()) {
            errors.add(error(declaration + ": @GCached keyType must not be empty"));
        }
        String useCase = stringValue(annotation, "useCase", "");
        if (useCase.isEmpty()) {
            useCase = method.declaringClass().simpleName() + "." + method.name();
        }
        if (Urns.WATERMARK.equals(useCase)) {
            errors.add(error(declaration + ": the use case name 'watermark' is reserved for invalidation watermarks; "
                    + "choose another @GCached(useCase = ...)"));
        }
        String localTtl = ttl(annotation, "localTtl", declaration, errors);
        String remoteTtl = ttl(annotation, "remoteTtl", declaration, errors);
        int localRamp = ramp(annotation, "localRamp", declaration, errors);
        int remoteRamp = ramp(annotation, "remoteRamp", declaration, errors);
        boolean tracked = annotation.value("trackForInvalidation") == null
                || annotation.value("trackForInvalidation").asBoolean();
        String serializer = annotation.value("serializer") == null ? ""
                : annotation.value("serializer").asClass().name().toString();
        if (serializer.equals("io.quarkiverse.gcache.GCacheSerializer$Default")) {
            serializer = "";
        }

        // R4/R13: id and key arguments
        KeyPlan plan = planKey(method, annotation, declaration, index, errors);
        if (errors.size() > before || plan == null) {
            return null;
        }
        String extractor = null;
        if (!plan.steps.isEmpty()) {
            extractor = method.declaringClass().name() + "$$GCacheId$" + method.name() + "$" + Math.abs(useCase.hashCode());
            IdPaths.generate(output, extractor.replace('.', '/'), plan.idIndex, plan.steps);
        }
        CachedMethod descriptor = new CachedMethod(useCase, keyType, declaration, kind, extractor, plan.idIndex,
                new ArrayList<>(plan.args.keySet()), new ArrayList<>(plan.argIndexes()), new ArrayList<>(plan.adapters()),
                localTtl, remoteTtl, localRamp, remoteRamp, tracked, valueCanonical, serializer,
                ValueShapes.fingerprint(valueType, index));
        return new CachedMethodBuildItem(method, descriptor, valueType);
    }

    /** How to build the key of one method. */
    record KeyPlan(int idIndex, List<IdPaths.Step> steps, TreeMap<String, Object[]> args) {
        List<Integer> argIndexes() {
            return args.values().stream().map(a -> (Integer) a[0]).toList();
        }

        List<String> adapters() {
            return args.values().stream().map(a -> (String) a[1]).toList();
        }
    }

    /** The id parameter and property path of a {@code @GCached} or {@code @GCacheInvalidate} method. */
    record IdPlan(int index, List<IdPaths.Step> steps) {
    }

    static KeyPlan planKey(MethodInfo method, AnnotationInstance annotation, String declaration, IndexView index,
            List<Throwable> errors) {
        IdPlan id = resolveId(method, annotation, declaration, index, errors);
        if (id == null) {
            return null;
        }
        int idParamIndex = id.index();
        TreeMap<String, Object[]> args = new TreeMap<>();
        for (int i = 0; i < method.parametersCount(); i++) {
            if (i == idParamIndex || parameterAnnotation(method, i, GCACHE_IGNORE) != null) {
                continue;
            }
            AnnotationInstance arg = parameterAnnotation(method, i, GCACHE_ARG);
            String adapter = arg == null ? "" : arg.value("adapter").asClass().name().toString();
            if (adapter.isEmpty() && !KeyTypes.isStable(method.parameterType(i), index)) {
                errors.add(error(declaration + ": parameter " + method.parameterName(i) + " of type "
                        + method.parameterType(i) + " has no stable string form for the cache key; add "
                        + "@GCacheArg(adapter = ...) or @GCacheIgnore"));
                continue;
            }
            args.put(method.parameterName(i), new Object[] { i, adapter });
        }
        return new KeyPlan(idParamIndex, id.steps(), args);
    }

    static IdPlan resolveId(MethodInfo method, AnnotationInstance annotation, String declaration, IndexView index,
            List<Throwable> errors) {
        String idAttribute = stringValue(annotation, "id", "");
        int idParamIndex = -1;
        String idPath = null;
        for (int i = 0; i < method.parametersCount(); i++) {
            AnnotationInstance gid = parameterAnnotation(method, i, GCACHE_ID);
            if (gid != null) {
                if (idParamIndex >= 0) {
                    errors.add(error(declaration + ": more than one parameter carries @GCacheId; mark exactly one"));
                    return null;
                }
                idParamIndex = i;
                idPath = gid.value() == null ? "" : gid.value().asString();
            }
        }
        if (idParamIndex >= 0 && !idAttribute.isEmpty()) {
            errors.add(error(declaration + ": the id is given twice, by id = \"" + idAttribute + "\" and by @GCacheId on "
                    + "parameter " + paramName(method, idParamIndex) + "; keep one"));
            return null;
        }
        if (idParamIndex < 0 && idAttribute.isEmpty()) {
            errors.add(error(declaration + ": no entity id; set id = \"<parameter>[.property]\" or mark a parameter "
                    + "with @GCacheId"));
            return null;
        }
        for (int i = 0; i < method.parametersCount(); i++) {
            if (method.parameterName(i) == null) {
                errors.add(error(declaration + ": parameter names are not available; compile with -parameters "
                        + "(maven-compiler-plugin <parameters>true</parameters>)"));
                return null;
            }
        }
        if (idParamIndex < 0) {
            String[] parts = idAttribute.split("\\.", -1);
            for (int i = 0; i < method.parametersCount(); i++) {
                if (method.parameterName(i).equals(parts[0])) {
                    idParamIndex = i;
                }
            }
            if (idParamIndex < 0) {
                errors.add(error(declaration + ": id = \"" + idAttribute + "\" names no parameter; parameters are "
                        + method.parameters().stream().map(MethodParameterInfo::name).toList()));
                return null;
            }
            idPath = String.join(".", java.util.Arrays.copyOfRange(parts, 1, parts.length));
        }
        List<IdPaths.Step> steps = List.of();
        Type idType = method.parameterType(idParamIndex);
        if (!idPath.isEmpty()) {
            IdPaths.Resolution r = IdPaths.resolve(idType, idPath.split("\\.", -1), index);
            if (r.error() != null) {
                errors.add(error(declaration + ": id '" + method.parameterName(idParamIndex) + "." + idPath
                        + "' of parameter " + method.parameterName(idParamIndex) + " cannot be resolved: " + r.error()));
                return null;
            }
            steps = r.steps();
            idType = r.type();
        }
        if (!KeyTypes.isStable(idType, index)) {
            errors.add(error(declaration + ": the id (parameter " + method.parameterName(idParamIndex)
                    + (idPath.isEmpty() ? "" : ", path " + idPath) + ") has type " + idType
                    + ", which has no stable string form; use a primitive, String, UUID, enum, record or a type "
                    + "declaring toString, or a property path to such a value"));
            return null;
        }
        return new IdPlan(idParamIndex, steps);
    }

    private static AnnotationInstance parameterAnnotation(MethodInfo method, int position,
            org.jboss.jandex.DotName name) {
        for (AnnotationInstance a : method.annotations(name)) {
            if (a.target().kind() == AnnotationTarget.Kind.METHOD_PARAMETER
                    && a.target().asMethodParameter().position() == position) {
                return a;
            }
        }
        return null;
    }

    private static String paramName(MethodInfo method, int i) {
        String n = method.parameterName(i);
        return n == null ? "#" + i : n;
    }

    private static String ttl(AnnotationInstance a, String name, String declaration, List<Throwable> errors) {
        String value = stringValue(a, name, "");
        if (!value.isEmpty()) {
            try {
                if (DurationConverter.parseDuration(value).isNegative()) {
                    errors.add(error(declaration + ": @GCached " + name + " = \"" + value + "\" is negative"));
                }
            } catch (RuntimeException e) {
                errors.add(error(declaration + ": @GCached " + name + " = \"" + value + "\" is not a duration; use "
                        + "ISO-8601 (PT60S) or the 60s / 5m form"));
            }
        }
        return value;
    }

    private static int ramp(AnnotationInstance a, String name, String declaration, List<Throwable> errors) {
        int value = a.value(name) == null ? -1 : a.value(name).asInt();
        if (value < -1 || value > 100) {
            errors.add(error(declaration + ": @GCached " + name + " = " + value + " must be between 0 and 100 "
                    + "(or -1 for not set)"));
        }
        return value;
    }

    private static String stringValue(AnnotationInstance a, String name, String defaultValue) {
        AnnotationValue v = a.value(name);
        return v == null ? defaultValue : v.asString();
    }

    static DeploymentException error(String message) {
        return new DeploymentException(message);
    }
}
