package io.quarkiverse.gcache.deployment;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTransformation;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.gcache.GCacheArg;
import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCacheIgnore;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCachedBinding;
import io.quarkiverse.gcache.runtime.invalidation.GCacheInvalidateBinding;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkus.arc.deployment.AnnotationsTransformerBuildItem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

final class GCacheDotNames {

    static final DotName GCACHED = DotName.createSimple(GCached.class);
    static final DotName GCACHE_ID = DotName.createSimple(GCacheId.class);
    static final DotName GCACHE_ARG = DotName.createSimple(GCacheArg.class);
    static final DotName GCACHE_IGNORE = DotName.createSimple(GCacheIgnore.class);
    static final DotName GCACHE_INVALIDATE = DotName.createSimple(GCacheInvalidate.class);
    static final DotName GCACHE_ENABLED = DotName.createSimple(GCacheEnabled.class);
    static final DotName UNI = DotName.createSimple(Uni.class);
    static final DotName MULTI = DotName.createSimple(Multi.class);
    static final DotName COMPLETION_STAGE = DotName.createSimple(CompletionStage.class);
    static final DotName COMPLETABLE_FUTURE = DotName.createSimple(CompletableFuture.class);
    static final DotName PUBLISHER = DotName.createSimple("org.reactivestreams.Publisher");
    static final DotName FLOW_PUBLISHER = DotName.createSimple("java.util.concurrent.Flow$Publisher");
    static final DotName GCACHED_BINDING = DotName.createSimple(GCachedBinding.class);
    static final DotName INVALIDATE_BINDING = DotName.createSimple(GCacheInvalidateBinding.class);

    /** How a method returning {@code type} delivers its result (R12); streams are rejected before this is asked. */
    static MethodKind methodKind(DotName type) {
        if (type.equals(UNI)) {
            return MethodKind.UNI;
        }
        return type.equals(COMPLETION_STAGE) || type.equals(COMPLETABLE_FUTURE) ? MethodKind.COMPLETION_STAGE
                : MethodKind.SYNC;
    }

    /**
     * Adds the internal interceptor binding {@code binding} with its one member {@code member} to each method of
     * {@code values}, carrying that method's value: how both annotations hand their build-time id to the runtime.
     */
    static AnnotationsTransformerBuildItem addBinding(DotName binding, String member, Map<MethodInfo, String> values) {
        return new AnnotationsTransformerBuildItem(AnnotationTransformation.forMethods()
                .whenMethod(values::containsKey)
                .transform(ctx -> {
                    MethodInfo method = ctx.declaration().asMethod();
                    ctx.add(AnnotationInstance.create(binding, method,
                            List.of(AnnotationValue.createStringValue(member, values.get(method)))));
                }));
    }

    /** Whether a method returning {@code type} returns a stream (never cached, R12). */
    static boolean isStream(DotName type) {
        return type.equals(MULTI) || type.equals(PUBLISHER) || type.equals(FLOW_PUBLISHER);
    }

    private GCacheDotNames() {
    }
}
