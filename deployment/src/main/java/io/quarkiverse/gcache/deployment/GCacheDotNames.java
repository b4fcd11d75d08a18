package io.quarkiverse.gcache.deployment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.jandex.DotName;

import io.quarkiverse.gcache.GCacheArg;
import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCacheIgnore;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCachedBinding;
import io.quarkiverse.gcache.runtime.invalidation.GCacheInvalidateBinding;
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

    /** Whether a method returning {@code type} returns a stream (never cached, R12). */
    static boolean isStream(DotName type) {
        return type.equals(MULTI) || type.equals(PUBLISHER) || type.equals(FLOW_PUBLISHER);
    }

    private GCacheDotNames() {
    }
}
