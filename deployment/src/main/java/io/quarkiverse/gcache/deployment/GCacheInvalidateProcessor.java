package io.quarkiverse.gcache.deployment;

import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_INVALIDATE;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.INVALIDATE_BINDING;
import static io.quarkiverse.gcache.deployment.KeyPlanner.declaration;
import static io.quarkiverse.gcache.deployment.KeyPlanner.stringValue;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.gcache.deployment.exception.GCacheDefinitionException;
import io.quarkiverse.gcache.deployment.exception.InvalidSettingException;
import io.quarkiverse.gcache.deployment.exception.UnsupportedMethodException;
import io.quarkiverse.gcache.runtime.GCacheRecorder;
import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
import io.quarkus.arc.deployment.AnnotationsTransformerBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.GeneratedClassGizmoAdaptor;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.GeneratedClassBuildItem;

/**
 * {@code @GCacheInvalidate}: finds and validates every annotated method (reference R12, R13), plans its id (through
 * {@link KeyPlanner}), binds it to the interceptor with the id of its record, and records what the runtime needs —
 * the same path as {@link GCachedProcessor}, so the runtime reflects on nothing.
 */
class GCacheInvalidateProcessor {

    @BuildStep
    void discover(CombinedIndexBuildItem combinedIndex, BuildProducer<GeneratedClassBuildItem> generated,
            BuildProducer<InvalidateMethodBuildItem> methods, BuildProducer<DefinitionErrorBuildItem> errorItems) {
        IndexView index = combinedIndex.getIndex();
        List<GCacheDefinitionException> errors = new ArrayList<>();
        GeneratedClassGizmoAdaptor output = new GeneratedClassGizmoAdaptor(generated, true);
        List<AnnotationInstance> annotations = new ArrayList<>(index.getAnnotations(GCACHE_INVALIDATE));
        annotations.sort(Comparator.comparing(a -> a.target().toString()));
        for (AnnotationInstance annotation : annotations) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                errors.add(new UnsupportedMethodException(annotation.target().asClass().name().toString(),
                        "@GCacheInvalidate belongs on methods, not on a class"));
            } else if (annotation.target().kind() == AnnotationTarget.Kind.METHOD) {
                MethodInfo method = annotation.target().asMethod();
                InvalidateMethod m = validate(method, annotation, index, errors, output);
                if (m != null) {
                    methods.produce(new InvalidateMethodBuildItem(method, m));
                }
            }
        }
        errors.forEach(e -> errorItems.produce(new DefinitionErrorBuildItem(e)));
    }

    /** Adds the internal binding with the id of the method's record. */
    @BuildStep
    AnnotationsTransformerBuildItem bind(List<InvalidateMethodBuildItem> methods) {
        Map<MethodInfo, String> ids = new HashMap<>();
        for (InvalidateMethodBuildItem m : methods) {
            ids.put(m.method(), m.descriptor().id());
        }
        return GCacheDotNames.addBinding(INVALIDATE_BINDING, "id", ids);
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem record(List<InvalidateMethodBuildItem> methods, GCacheRecorder recorder) {
        List<InvalidateMethod> descriptors = methods.stream().map(InvalidateMethodBuildItem::descriptor)
                .sorted(Comparator.comparing(InvalidateMethod::id)).toList();
        return SyntheticBeanBuildItem.configure(GCacheRecorder.InvalidateMethods.class)
                .supplier(recorder.invalidateMethods(new ArrayList<>(descriptors)))
                .unremovable()
                .done();
    }

    private static InvalidateMethod validate(MethodInfo method, AnnotationInstance annotation, IndexView index,
            List<GCacheDefinitionException> errors, GeneratedClassGizmoAdaptor output) {
        String declaration = declaration(method);
        int before = errors.size();
        if (Modifier.isPrivate(method.flags()) || Modifier.isStatic(method.flags())) {
            errors.add(new UnsupportedMethodException(declaration, "@GCacheInvalidate method must be neither "
                    + "private nor static (interceptors cannot reach it)"));
        }
        DotName returned = method.returnType().name();
        if (GCacheDotNames.isStream(returned)) {
            errors.add(new UnsupportedMethodException(declaration, "@GCacheInvalidate does not support streams; "
                    + "return Uni, CompletionStage, a value or void"));
        }
        String keyType = stringValue(annotation, "keyType");
        if (keyType.isBlank()) {
            errors.add(new InvalidSettingException(declaration, "keyType",
                    "@GCacheInvalidate keyType must not be empty"));
        }
        KeyPlanner.IdPlan id = KeyPlanner.resolveId(method, annotation, declaration, index, errors);
        if (id == null || errors.size() > before) {
            return null;
        }
        return new InvalidateMethod(KeyPlanner.signature(method), declaration, keyType, GCacheDotNames.methodKind(returned),
                KeyPlanner.emit(id, method, "GCacheInvalidateId", output));
    }
}
