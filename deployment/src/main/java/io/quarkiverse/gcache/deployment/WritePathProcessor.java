package io.quarkiverse.gcache.deployment;

import java.util.List;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;
import org.jboss.logging.Logger;

import io.quarkus.arc.deployment.ValidationPhaseBuildItem;
import io.quarkus.arc.deployment.ValidationPhaseBuildItem.ValidationErrorBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;

/**
 * R34: {@code @GCacheEnabled} on a JAX-RS method that answers POST, PUT, PATCH or DELETE (on the method, or on its
 * resource class) is a build-time warning naming the method, unless the annotation says {@code writes = true}. A write
 * request is where the seed's stale-data story happens: the scope bypasses the cache only for entities it has already
 * invalidated.
 */
class WritePathProcessor {

    private static final Logger LOG = Logger.getLogger(WritePathProcessor.class);

    static final List<DotName> WRITES = List.of(DotName.createSimple("jakarta.ws.rs.POST"),
            DotName.createSimple("jakarta.ws.rs.PUT"), DotName.createSimple("jakarta.ws.rs.PATCH"),
            DotName.createSimple("jakarta.ws.rs.DELETE"));

    /** Runs in ArC's validation phase (a step must produce something to run; it never reports an error). */
    @BuildStep
    void warnOnEnabledWrites(CombinedIndexBuildItem index, ValidationPhaseBuildItem validation,
            BuildProducer<ValidationErrorBuildItem> errors) {
        for (AnnotationInstance enabled : index.getIndex().getAnnotations(GCacheDotNames.GCACHE_ENABLED)) {
            if (enabled.target().kind() == AnnotationTarget.Kind.METHOD) {
                check(enabled.target().asMethod(), enabled);
            } else if (enabled.target().kind() == AnnotationTarget.Kind.CLASS) {
                ClassInfo resource = enabled.target().asClass();
                for (MethodInfo method : resource.methods()) {
                    if (!method.hasDeclaredAnnotation(GCacheDotNames.GCACHE_ENABLED)) { // its own annotation decides
                        check(method, enabled);
                    }
                }
            }
        }
    }

    private static void check(MethodInfo method, AnnotationInstance enabled) {
        AnnotationValue writes = enabled.value("writes");
        if (writes != null && writes.asBoolean()) {
            return;
        }
        for (DotName verb : WRITES) {
            if (method.hasDeclaredAnnotation(verb)) {
                LOG.warnf("@GCacheEnabled on %s.%s, which answers HTTP %s: caching is on for a write request, whose "
                        + "reads bypass the cache only for entities it has already invalidated (reference R34). If that "
                        + "is intended, say so with @GCacheEnabled(writes = true); otherwise enable caching on the read "
                        + "endpoints only", method.declaringClass().name(), method.name(), verb.withoutPackagePrefix());
                return;
            }
        }
    }
}
