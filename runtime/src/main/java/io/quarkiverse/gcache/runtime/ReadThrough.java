package io.quarkiverse.gcache.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkiverse.gcache.runtime.layers.Envelope;
import io.quarkiverse.gcache.runtime.layers.LocalEntry;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.layers.RemoteRead;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The read-through chain LOCAL → REMOTE → method (SPEC R2) for sync and reactive methods.
 * <p>
 * Guarantees: the method's own exceptions reach the caller unchanged and are never cached (R9); any failure of
 * the cache machinery is counted, logged (rate-limited) and answered with the method's result (R10); concurrent
 * LOCAL misses of one key run the method once (R11); reactive methods never block and resume on the caller's Vert.x
 * context (R12). REMOTE writes are fire-and-forget: the caller does not wait for them.
 */
final class ReadThrough {

    private static final Logger LOG = Logger.getLogger(ReadThrough.class);
    /** A REMOTE read that does not serve a value. Distinct from a cached {@code null}. */
    private static final Object MISS = new Object();

    private final RemoteLayer remote;
    private final InvalidationLog invalidations;
    private volatile boolean eventLoopWarned;

    ReadThrough(RemoteLayer remote, InvalidationLog invalidations) {
        this.remote = remote;
        this.invalidations = invalidations;
    }

    // ---- sync ------------------------------------------------------------------------------------------------

    Object sync(UseCase uc, InvocationContext ctx) throws Exception {
        long t0 = System.nanoTime();
        String key = key(uc, ctx);
        if (key == null) {
            return ctx.proceed();
        }
        long localTtl = decide(uc, CacheLayer.LOCAL);
        long remoteTtl = remoteTtl(uc);
        if (remoteTtl > 0 && Context.isOnEventLoopThread()) {
            // A sync method on the event loop: blocking on Redis here would stall every request of that loop.
            warnEventLoop(uc);
            remoteTtl = -1;
        }
        if (localTtl <= 0) {
            return syncLoad(uc, ctx, key, remoteTtl, null, 0, t0);
        }
        uc.stats().request(CacheLayer.LOCAL);
        CompletableFuture<LocalEntry> entry = fresh(uc, key);
        if (entry == null) {
            CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
            entry = uc.localLayer().claim(key, claim);
            if (entry == null) {
                uc.stats().miss(CacheLayer.LOCAL);
                try {
                    return syncLoad(uc, ctx, key, remoteTtl, claim, localTtl, t0);
                } catch (Throwable t) {
                    uc.localLayer().release(key, claim);
                    claim.completeExceptionally(t);
                    throw t;
                }
            }
        }
        Object value = await(entry).value();
        uc.meters().get(System.nanoTime() - t0);
        return value;
    }

    /** REMOTE (if used), then the method; {@code start} is when the call began, which stamps the LOCAL entry. */
    private Object syncLoad(UseCase uc, InvocationContext ctx, String key, long remoteTtl,
            CompletableFuture<LocalEntry> claim, long localTtl, long start) throws Exception {
        RemoteRead read = null;
        if (remoteTtl > 0) {
            uc.stats().request(CacheLayer.REMOTE);
            try {
                read = remote.read(key, watermarkKey(uc, key)).await().indefinitely();
                remote.breaker().success();
            } catch (Throwable t) {
                remote.breaker().failure();
                uc.stats().miss(CacheLayer.REMOTE);
                uc.remoteFailed(t);
            }
            if (read != null) {
                Object hit = decode(uc, read);
                if (hit != MISS) {
                    fillLocal(uc, claim, hit, localTtl, key, start);
                    uc.meters().get(System.nanoTime() - start);
                    return hit;
                }
                uc.stats().miss(CacheLayer.REMOTE);
            }
        }
        long m0 = System.nanoTime();
        Object value;
        try {
            value = ctx.proceed();
        } catch (Throwable t) {
            uc.meters().fallback(System.nanoTime() - m0);
            uc.methodFailed(t);
            throw t;
        }
        long m1 = System.nanoTime();
        uc.meters().fallback(m1 - m0);
        fillLocal(uc, claim, value, localTtl, key, start);
        if (read != null) {
            store(uc, key, value, read, remoteTtl);
        }
        uc.meters().get((m0 - start) + (System.nanoTime() - m1));
        return value;
    }

    // ---- reactive --------------------------------------------------------------------------------------------

    /** For {@code Uni} and {@code CompletionStage} methods: returns what the method would, read through the cache. */
    Object reactive(UseCase uc, InvocationContext ctx) throws Exception {
        String key = key(uc, ctx);
        if (key == null) {
            return ctx.proceed();
        }
        Uni<Object> uni = Uni.createFrom().deferred(() -> reactiveRead(uc, ctx, key));
        return uc.kind() == UseCase.Kind.UNI ? uni : uni.subscribeAsCompletionStage();
    }

    private Uni<Object> reactiveRead(UseCase uc, InvocationContext ctx, String key) {
        long t0 = System.nanoTime();
        long[] methodNanos = new long[1];
        return reactiveLookup(uc, ctx, key, methodNanos)
                .invoke(() -> uc.meters().get(System.nanoTime() - t0 - methodNanos[0]));
    }

    private Uni<Object> reactiveLookup(UseCase uc, InvocationContext ctx, String key, long[] methodNanos) {
        long localTtl = decide(uc, CacheLayer.LOCAL);
        long remoteTtl = remoteTtl(uc);
        if (localTtl <= 0) {
            return reactiveLoad(uc, ctx, key, remoteTtl, methodNanos);
        }
        uc.stats().request(CacheLayer.LOCAL);
        CompletableFuture<LocalEntry> entry = fresh(uc, key);
        if (entry == null) {
            CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
            entry = uc.localLayer().claim(key, claim);
            if (entry == null) {
                uc.stats().miss(CacheLayer.LOCAL);
                long start = System.nanoTime();
                // The load runs on its own subscription: a caller that cancels does not strand the others waiting on it.
                entry = claim;
                reactiveLoad(uc, ctx, key, remoteTtl, methodNanos).subscribe().with(
                        value -> fillLocal(uc, claim, value, localTtl, key, start),
                        failure -> {
                            uc.localLayer().release(key, claim);
                            claim.completeExceptionally(failure);
                        });
            }
        }
        if (entry.isDone() && !entry.isCompletedExceptionally()) {
            return Uni.createFrom().item(entry.join().value());
        }
        return onCallerContext(Uni.createFrom().completionStage(entry).map(LocalEntry::value));
    }

    private Uni<Object> reactiveLoad(UseCase uc, InvocationContext ctx, String key, long remoteTtl,
            long[] methodNanos) {
        if (remoteTtl <= 0) {
            return proceed(uc, ctx, methodNanos);
        }
        uc.stats().request(CacheLayer.REMOTE);
        return onCallerContext(remote.read(key, watermarkKey(uc, key)))
                .onItemOrFailure().transformToUni((read, failure) -> {
                    if (failure != null) {
                        remote.breaker().failure();
                        uc.stats().miss(CacheLayer.REMOTE);
                        uc.remoteFailed(failure);
                        return proceed(uc, ctx, methodNanos);
                    }
                    remote.breaker().success();
                    Object hit = decode(uc, read);
                    if (hit != MISS) {
                        return Uni.createFrom().item(hit);
                    }
                    uc.stats().miss(CacheLayer.REMOTE);
                    return proceed(uc, ctx, methodNanos).invoke(value -> store(uc, key, value, read, remoteTtl));
                });
    }

    /** The method's result as a {@code Uni}, timed ({@code gcache.fallback}) and its failures counted. */
    private static Uni<Object> proceed(UseCase uc, InvocationContext ctx, long[] methodNanos) {
        long m0 = System.nanoTime();
        return invoke(uc, ctx).onItemOrFailure().invoke((item, failure) -> {
            methodNanos[0] = System.nanoTime() - m0;
            uc.meters().fallback(methodNanos[0]);
            if (failure != null) {
                uc.methodFailed(failure);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Uni<Object> invoke(UseCase uc, InvocationContext ctx) {
        Object result;
        try {
            result = ctx.proceed();
        } catch (Throwable t) {
            return Uni.createFrom().failure(t);
        }
        if (result == null) {
            return Uni.createFrom().failure(new NullPointerException(uc.declaration() + " returned null instead of a "
                    + (uc.kind() == UseCase.Kind.UNI ? "Uni" : "CompletionStage")));
        }
        return uc.kind() == UseCase.Kind.UNI ? (Uni<Object>) result
                : Uni.createFrom().completionStage((CompletionStage<Object>) result);
    }

    /** Emits on the Vert.x context the subscription happened on, if any, hopping only when needed. */
    private static <T> Uni<T> onCallerContext(Uni<T> uni) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return uni;
        }
        return uni.emitOn(task -> {
            if (Vertx.currentContext() == caller) {
                task.run();
            } else {
                caller.runOnContext(ignored -> task.run());
            }
        });
    }

    // ---- shared ----------------------------------------------------------------------------------------------

    /** The REMOTE TTL for this call, or -1 when REMOTE is not used (no Redis, config, ramp, or server down). */
    private long remoteTtl(UseCase uc) {
        if (remote == null) {
            return -1;
        }
        long ttl = decide(uc, CacheLayer.REMOTE);
        if (ttl > 0 && !remote.breaker().allow()) {
            uc.stats().disabled(CacheLayer.REMOTE, DisabledReason.SERVER_DOWN);
            return -1;
        }
        return ttl;
    }

    /** The call's key, or {@code null} when building it failed (counted and logged; the call falls back, R10). */
    private static String key(UseCase uc, InvocationContext ctx) {
        try {
            return uc.keys().build(ctx.getParameters());
        } catch (Throwable t) {
            uc.keyFailed(t);
            return null;
        }
    }

    private static long decide(UseCase uc, CacheLayer layer) {
        LayerPolicy policy = uc.policy(layer);
        long ttl = policy.decide();
        if (ttl > 0) {
            return ttl;
        }
        if (ttl == LayerPolicy.RAMPED_DOWN) {
            uc.stats().disabled(layer, DisabledReason.RAMPED_DOWN);
        } else if (ttl == LayerPolicy.CONFIG_ERROR) {
            uc.stats().disabled(layer, DisabledReason.CONFIG_ERROR);
            uc.configFailed(layer, policy.lastProviderFailure());
        } else {
            uc.stats().disabled(layer, DisabledReason.MISSING_CONFIG);
        }
        return -1;
    }

    private static void fillLocal(UseCase uc, CompletableFuture<LocalEntry> claim, Object value, long localTtl,
            String key, long start) {
        if (claim != null) {
            String entity = Urns.entityOf(key);
            claim.complete(new LocalEntry(value, localTtl, entity, start));
            uc.localLayer().index(key, entity);
        }
    }

    /** The LOCAL entry of {@code key} unless absent or stale by an invalidation this instance knows of (R6a). */
    private CompletableFuture<LocalEntry> fresh(UseCase uc, String key) {
        CompletableFuture<LocalEntry> entry = uc.localLayer().get(key);
        if (entry != null && entry.isDone() && !entry.isCompletedExceptionally() && invalidations.isStale(entry.join())) {
            uc.localLayer().release(key, entry);
            return null;
        }
        return entry;
    }

    /** The value of a fresh, readable entry, or {@link #MISS} (absent, stale per R6, or unreadable per R14). */
    private static Object decode(UseCase uc, RemoteRead read) {
        byte[] envelope = read.envelope();
        if (envelope == null) {
            return MISS;
        }
        try {
            if (Envelope.createdAt(envelope) <= read.watermark()) {
                return MISS;
            }
            long s0 = System.nanoTime();
            Object value = uc.serializer().deserialize(Envelope.payload(envelope), uc.valueType());
            uc.meters().serialization(false, System.nanoTime() - s0);
            uc.meters().valueSize(envelope.length);
            return value;
        } catch (Throwable t) {
            uc.codecFailed(t);
            return MISS;
        }
    }

    /** Stores a computed value stamped with the server time of the read that missed (R6a). */
    private void store(UseCase uc, String key, Object value, RemoteRead read, long remoteTtlNanos) {
        if (read.watermark() > read.serverNowMillis()) {
            return; // computed while an invalidation's future buffer runs: not stored (R6)
        }
        byte[] payload;
        try {
            long s0 = System.nanoTime();
            payload = uc.serializer().serialize(value, uc.valueType());
            uc.meters().serialization(true, System.nanoTime() - s0);
            uc.meters().valueSize(payload.length + Envelope.HEADER);
        } catch (Throwable t) {
            uc.codecFailed(t);
            return;
        }
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remoteTtlNanos));
        remote.write(key, Envelope.wrap(read.serverNowMillis(), payload), ttlMillis)
                .subscribe().with(ok -> {
                }, failure -> {
                    remote.breaker().failure();
                    uc.remoteFailed(failure);
                });
    }

    private static String watermarkKey(UseCase uc, String key) {
        if (!uc.keys().tracked()) {
            return null;
        }
        return Urns.entityOf(key) + "#" + Urns.WATERMARK;
    }

    private static LocalEntry await(CompletableFuture<LocalEntry> entry) throws Exception {
        try {
            return entry.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private void warnEventLoop(UseCase uc) {
        if (!eventLoopWarned) {
            eventLoopWarned = true;
            LOG.warnf("GCache skips the REMOTE layer for %s: a non-reactive method called on a Vert.x event loop "
                    + "thread cannot wait for Redis. Return Uni/CompletionStage, or run it on a worker thread.",
                    uc.declaration());
        }
    }
}
