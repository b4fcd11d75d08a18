package io.quarkiverse.gcache.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationGap;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationOutbox;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.KeyTooLongException;
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkiverse.gcache.runtime.layers.CacheTimer;
import io.quarkiverse.gcache.runtime.layers.Envelope;
import io.quarkiverse.gcache.runtime.layers.LocalEntry;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.runtime.layers.RemoteBreaker;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.layers.RemoteRead;
import io.quarkiverse.gcache.runtime.layers.RemoteTrust;
import io.quarkiverse.gcache.runtime.layers.RequestLayer;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.scope.ContextHop;
import io.quarkiverse.gcache.runtime.scope.Detached;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.quarkiverse.gcache.runtime.shadow.ShadowVerifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The read-through chain LOCAL → REMOTE → method (reference rule R2) for sync and reactive methods.
 * <p>
 * Guarantees: the method's own exceptions reach the caller unchanged and are never cached (R9); any failure of
 * the cache machinery is counted, logged (rate-limited) and answered with the method's result (R10); concurrent
 * LOCAL misses of one key run the method once (R11), and a caller waits for another's computation at most
 * {@code local.wait-timeout} before running the method itself (R11a); reactive methods never block and resume on
 * the caller's Vert.x context (R12). REMOTE writes are fire-and-forget: the caller does not wait for them.
 * <p>
 * Under faults (R10a): whether REMOTE is used is decided only after a LOCAL miss, so a LOCAL hit never draws a
 * REMOTE ramp, counts nothing for REMOTE and never holds a breaker permit; every permit taken is reported, whatever
 * the outcome. LOCAL of tracked use cases is off while invalidations cannot reach this instance (R8a). A REMOTE
 * value is trusted only if it is well-formed, not dated in the future, of the value type's current shape, newer
 * than its entity's watermark and not of an entity whose invalidation is still waiting in the outbox (R6, R14a,
 * R14b, R18).
 * <p>
 * Every call names the layer that served it, or the method, to the current trace span ({@code UseCase.served}, R16);
 * without OpenTelemetry that is an empty call.
 */
final class ReadThrough {

    private static final Logger LOG = Logger.getLogger(ReadThrough.class);
    /** A REMOTE read that does not serve a value. Distinct from a cached {@code null}. */
    private static final Object MISS = new Object();

    private final RemoteLayer remote;
    private final InvalidationLog invalidations;
    private final InvalidationOutbox outbox;
    private final InvalidationGap gap;
    private final Duration waitTimeout;
    private final long waitTimeoutNanos;
    private final double earlyRefreshBeta;
    private final ShadowVerifier shadows;
    /** Whether a REMOTE miss takes a lease so that one instance computes it (R21); {@code remote.leases}. */
    private final boolean leasing;
    /** The lease protocol (R21, R35); {@code null} without Redis. */
    private final Leases leaseProtocol;
    private volatile boolean eventLoopWarned;
    /** The TTL of a watermark: as long as any value it can guard (R7, R25). */
    /** Fires the timed waits of reactive callers (R28). */
    private final CacheTimer timer;
    /** The longest a sync caller waits for one REMOTE operation: a backstop behind its own bound (R28). */
    private final Duration remoteBackstop;

    ReadThrough(RemoteLayer remote, InvalidationLog invalidations, InvalidationOutbox outbox, InvalidationGap gap,
            Duration waitTimeout, double earlyRefreshBeta, ShadowVerifier shadows, boolean leases, CacheTimer timer) {
        this.timer = timer;
        this.remoteBackstop = remote == null ? Duration.ZERO : remote.timeout().multipliedBy(2).plusSeconds(1);
        this.leaseProtocol = remote == null ? null
                : new Leases(remote, timer, waitTimeout.toNanos(), remoteBackstop);
        this.shadows = shadows;
        this.leasing = leases && remote != null;
        this.earlyRefreshBeta = earlyRefreshBeta;
        this.remote = remote;
        this.invalidations = invalidations;
        this.outbox = outbox;
        this.gap = gap;
        this.waitTimeout = waitTimeout;
        this.waitTimeoutNanos = waitTimeout.toNanos();
    }

    // ---- sync ------------------------------------------------------------------------------------------------

    Object sync(UseCase uc, InvocationContext ctx) throws Exception {
        // The clock costs about as much as a LOCAL hit: read it up front only for the hits gcache.get samples.
        boolean sampled = uc.meters().sampleHit();
        long t0 = sampled ? System.nanoTime() : 0;
        String key = key(uc, ctx);
        if (key == null) {
            uc.served(null);
            return ctx.proceed();
        }
        RequestLayer.Values request = requestValues(uc);
        if (request == null) {
            return syncLocal(uc, ctx, key, sampled, t0);
        }
        // R20: the scope's REQUEST layer first; a value computed or fetched below is kept for the rest of the scope
        uc.stats().request(StatLayer.REQUEST);
        LocalEntry kept = request.get(key);
        if (kept != null && !isStale(uc, key, kept)) {
            uc.served(StatLayer.REQUEST);
            return kept.value();
        }
        uc.stats().miss(StatLayer.REQUEST, kept == null ? MissReason.ABSENT : MissReason.STALE);
        long start = System.nanoTime(); // before LOCAL and REMOTE checked the value: an invalidation after it is seen
        Object value = syncLocal(uc, ctx, key, sampled, t0);
        request.put(key, new LocalEntry(value, start));
        return value;
    }

    /** The REQUEST layer's values of {@code uc} in the current enable scope, or {@code null} when it has none (R20). */
    private static RequestLayer.Values requestValues(UseCase uc) {
        if (!uc.requestEnabled()) {
            return null;
        }
        RequestLayer layer = EnableScopes.requestLayer();
        return layer == null ? null : layer.of(uc);
    }

    /** LOCAL, then REMOTE and the method (R2). */
    private Object syncLocal(UseCase uc, InvocationContext ctx, String key, boolean sampled, long t0) throws Exception {
        long localTtl = decideLocal(uc);
        if (localTtl <= 0) {
            return syncLoad(uc, ctx, key, null, 0, sampled ? t0 : System.nanoTime());
        }
        uc.stats().request(StatLayer.LOCAL);
        LocalLayer local = uc.localLayer();
        LocalEntry hit = local.get(key);
        MissReason reason = MissReason.ABSENT;
        if (hit != null) {
            if (!isStale(uc, key, hit)) {
                CompletableFuture<LocalEntry> refresh = uc.earlyRefresh() ? earlyRefresh(uc, local, key, hit) : null;
                if (refresh == null) {
                    if (sampled) {
                        uc.meters().get(StatLayer.LOCAL, System.nanoTime() - t0);
                    }
                    uc.served(StatLayer.LOCAL);
                    if (uc.shadow().draw()) { // R22, off the caller's path
                        shadows.verify(uc, ctx, key, StatLayer.LOCAL, hit.value(), hit.startNanos(), hit);
                    }
                    return hit.value();
                }
                // R21: this call recomputes the entry; every other caller keeps getting it meanwhile
                uc.stats().miss(StatLayer.LOCAL, MissReason.EARLY_REFRESH);
                return syncLoadClaimed(uc, ctx, key, refresh, localTtl, System.nanoTime());
            }
            local.remove(key, hit);
            reason = MissReason.STALE;
        }
        if (!sampled) {
            t0 = System.nanoTime(); // a miss is always timed; the key took a few nanoseconds before
        }
        CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
        CompletableFuture<LocalEntry> other = local.claim(key, claim);
        if (other == null) {
            LocalEntry late = local.get(key); // filled between the lookup and the claim
            if (late != null && !isStale(uc, key, late)) {
                local.release(key, claim);
                claim.complete(late);
                uc.meters().get(StatLayer.LOCAL, System.nanoTime() - t0);
                uc.served(StatLayer.LOCAL);
                return late.value();
            }
            uc.stats().miss(StatLayer.LOCAL, reason);
            return syncLoadClaimed(uc, ctx, key, claim, localTtl, t0);
        }
        LocalEntry waited;
        boolean late = false;
        if (other.isDone()) {
            waited = await(other);
        } else if (Context.isOnEventLoopThread()) {
            waited = null; // never block an event loop waiting for another caller (R12): compute here
        } else {
            waited = awaitOther(other);
            late = waited == null;
        }
        if (waited == null) {
            // R11a: the other caller's computation took too long; do not wait for it any more. This caller takes the
            // key over, so that its value fills LOCAL and later callers wait for it, not for the late one.
            uc.stats().miss(StatLayer.LOCAL, MissReason.ABSENT);
            uc.disabled(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT);
            if (!late || !local.takeOver(key, other, claim)) { // an event loop did not wait: the other is not late
                return syncLoad(uc, ctx, key, null, 0, t0);
            }
            return syncLoadClaimed(uc, ctx, key, claim, localTtl, t0);
        }
        if (isStale(uc, key, waited)) {
            // it began before an invalidation (or a resync) this caller came after (R6a, R8a): compute afresh
            uc.stats().miss(StatLayer.LOCAL, MissReason.STALE);
            return syncLoad(uc, ctx, key, null, 0, t0);
        }
        uc.meters().get(StatLayer.LOCAL, System.nanoTime() - t0);
        uc.served(StatLayer.LOCAL);
        return waited.value();
    }

    /**
     * {@link #syncLoad} for a caller whose {@code claim} is installed: ends it on every path (the obligation of
     * {@link LocalLayer#claim}), released and failed when the load throws.
     */
    private Object syncLoadClaimed(UseCase uc, InvocationContext ctx, String key, CompletableFuture<LocalEntry> claim,
            long localTtl, long start) throws Exception {
        try {
            return syncLoad(uc, ctx, key, claim, localTtl, start);
        } catch (Throwable t) {
            uc.localLayer().release(key, claim);
            claim.completeExceptionally(t);
            throw t;
        }
    }

    /** REMOTE (if this call uses it), then the method; {@code start} is when the call began, which stamps LOCAL. */
    private Object syncLoad(UseCase uc, InvocationContext ctx, String key, CompletableFuture<LocalEntry> claim,
            long localTtl, long start) throws Exception {
        long remoteTtl = decideRemote(uc);
        if (remoteTtl > 0 && Context.isOnEventLoopThread()) {
            // A sync method on the event loop: blocking on Redis here would stall every request of that loop.
            warnEventLoop(uc);
            remoteTtl = -1;
        }
        RemoteBreaker.Permit permit = remoteTtl > 0 ? permit(uc) : null;
        RemoteRead read = null;
        String fullKey = null;
        RemoteLayer.Lease lease = null;
        if (permit != null) {
            uc.stats().request(StatLayer.REMOTE);
            fullKey = uc.keys().fullKey(key);
            try {
                read = awaitRemote(remote.read(fullKey, watermarkKey(uc, fullKey), oversize(uc, fullKey)));
                permit.success();
            } catch (Throwable t) {
                if (Thread.currentThread().isInterrupted()) {
                    permit.release(); // the caller was interrupted: says nothing about Redis (R10a)
                } else {
                    permit.failure();
                }
                uc.stats().miss(StatLayer.REMOTE, MissReason.ERROR);
                uc.remoteFailed(t);
            }
            if (read != null) {
                Object hit = decode(uc, fullKey, read, remoteTtl);
                if (hit == MISS && leasing) {
                    // R21: one instance computes a missed key; the others wait briefly for its value
                    Leases.Outcome outcome = leaseProtocol.await(uc, fullKey, read);
                    if (outcome instanceof Leases.Outcome.Held held) {
                        lease = held.lease();
                    } else if (outcome instanceof Leases.Outcome.Arrived arrived) {
                        read = arrived.read(); // the value another caller stored: its read stamps, dates, is shadowed
                        hit = decode(uc, fullKey, read, remoteTtl);
                    }
                } else if (hit != MISS && uc.remoteEarlyRefresh() && remoteRefreshDue(uc, read, remoteTtl)) {
                    // R21: this caller recomputes the entry before it expires; the lease makes it one in the fleet
                    lease = leaseProtocol.tryTake(uc, fullKey);
                    if (lease != null && refreshedMeanwhile(uc, fullKey, read)) {
                        remote.release(lease); // another caller's refresh landed after this caller's read
                        lease = null;
                    }
                    if (lease != null) {
                        uc.stats().miss(StatLayer.REMOTE, MissReason.EARLY_REFRESH);
                        hit = MISS;
                    }
                }
                if (hit != MISS) {
                    fillLocal(uc, claim, hit, localTtl, key, start);
                    uc.meters().get(StatLayer.REMOTE, System.nanoTime() - start);
                    uc.served(StatLayer.REMOTE);
                    if (uc.shadow().draw()) { // R22, off the caller's path
                        shadows.verify(uc, ctx, key, StatLayer.REMOTE, hit, remoteBirth(read), null);
                    }
                    return hit;
                }
            }
        }
        uc.served(null);
        // R16: a call is timed under the deepest layer it consulted, as gcache's layers time their own fallback
        StatLayer ended = permit != null ? StatLayer.REMOTE : StatLayer.LOCAL;
        long m0 = System.nanoTime();
        Object value;
        try {
            value = ctx.proceed();
        } catch (Throwable t) {
            uc.meters().fallback(ended, System.nanoTime() - m0);
            uc.methodFailed(t);
            if (lease != null) {
                remote.release(lease);
            }
            throw t;
        }
        long m1 = System.nanoTime();
        uc.meters().fallback(ended, m1 - m0);
        uc.methodTime(m1 - m0);
        try {
            fillLocal(uc, claim, value, localTtl, key, start);
        } catch (Throwable t) {
            if (lease != null) {
                remote.release(lease);
            }
            throw t;
        }
        if (read != null) {
            store(uc, fullKey, value, read, remoteTtl, lease);
        }
        uc.meters().get(ended, (m0 - start) + (System.nanoTime() - m1));
        return value;
    }

    // ---- reactive --------------------------------------------------------------------------------------------

    /** For {@code Uni} and {@code CompletionStage} methods: returns what the method would, read through the cache. */
    Object reactive(UseCase uc, InvocationContext ctx) throws Exception {
        String key = key(uc, ctx);
        if (key == null) {
            uc.served(null);
            return ctx.proceed();
        }
        // The scope is the caller's: its REQUEST layer is taken now, not when the Uni is subscribed (R20)
        RequestLayer.Values request = requestValues(uc);
        Uni<Object> uni = request == null ? Uni.createFrom().deferred(() -> reactiveRead(uc, ctx, key))
                : Uni.createFrom().deferred(() -> {
                    uc.stats().request(StatLayer.REQUEST);
                    LocalEntry kept = request.get(key);
                    if (kept != null && !isStale(uc, key, kept)) {
                        uc.served(StatLayer.REQUEST);
                        return Uni.createFrom().item(kept.value());
                    }
                    uc.stats().miss(StatLayer.REQUEST, kept == null ? MissReason.ABSENT : MissReason.STALE);
                    long start = System.nanoTime();
                    return reactiveRead(uc, ctx, key)
                            .invoke(value -> request.put(key, new LocalEntry(value, start)));
                });
        return uc.kind() == MethodKind.UNI ? uni : uni.subscribeAsCompletionStage();
    }

    /**
     * A load (REMOTE, then the method) timed for {@code gcache.get}, without the method's own time, under the deepest
     * layer it consulted (R16).
     */
    private Uni<Object> timedLoad(UseCase uc, InvocationContext ctx, String key) {
        long t0 = System.nanoTime();
        LoadTiming timing = new LoadTiming(StatLayer.LOCAL);
        return reactiveLoad(uc, ctx, key, timing)
                .invoke(() -> uc.meters().get(timing.layer, System.nanoTime() - t0 - timing.methodNanos));
    }

    /** What a reactive load tells its timer: the method's own time, and the deepest layer consulted. */
    private static final class LoadTiming {
        long methodNanos;
        StatLayer layer;

        LoadTiming(StatLayer layer) {
            this.layer = layer;
        }
    }

    private Uni<Object> reactiveRead(UseCase uc, InvocationContext ctx, String key) {
        boolean sampled = uc.meters().sampleHit(); // see sync()
        long t0 = sampled ? System.nanoTime() : 0;
        long localTtl = decideLocal(uc);
        if (localTtl <= 0) {
            return timedLoad(uc, ctx, key);
        }
        uc.stats().request(StatLayer.LOCAL);
        LocalLayer local = uc.localLayer();
        LocalEntry hit = local.get(key);
        MissReason reason = MissReason.ABSENT;
        if (hit != null) {
            if (!isStale(uc, key, hit)) {
                CompletableFuture<LocalEntry> refresh = uc.earlyRefresh() ? earlyRefresh(uc, local, key, hit) : null;
                if (refresh != null) {
                    // R21: refreshed on its own subscription; this caller, like every other, gets the cached value
                    LocalLayer refreshed = local;
                    Detached.start(Infrastructure.getDefaultWorkerPool(),
                            () -> refreshLocal(uc, ctx, key, refresh, localTtl), failure -> {
                                refreshed.release(key, refresh); // the method's own failure is counted by the load
                                refresh.completeExceptionally(failure);
                            });
                }
                if (sampled) {
                    uc.meters().get(StatLayer.LOCAL, System.nanoTime() - t0);
                }
                uc.served(StatLayer.LOCAL);
                if (refresh == null && uc.shadow().draw()) { // R22, off the caller's path
                    shadows.verify(uc, ctx, key, StatLayer.LOCAL, hit.value(), hit.startNanos(), hit);
                }
                return Uni.createFrom().item(hit.value());
            }
            local.remove(key, hit);
            reason = MissReason.STALE;
        }
        // a miss is always timed, as in sync(): a late fill and a joined computation count in gcache.get like there
        long began = sampled ? t0 : System.nanoTime();
        CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
        CompletableFuture<LocalEntry> entry = local.claim(key, claim);
        boolean mine = entry == null;
        if (mine) {
            LocalEntry late = local.get(key); // filled between the lookup and the claim
            if (late != null && !isStale(uc, key, late)) {
                local.release(key, claim);
                claim.complete(late);
                uc.meters().get(StatLayer.LOCAL, System.nanoTime() - began);
                uc.served(StatLayer.LOCAL);
                return Uni.createFrom().item(late.value());
            }
            uc.stats().miss(StatLayer.LOCAL, reason);
            // The load runs on its own subscription: a caller that cancels does not strand the others waiting on it.
            entry = claim;
            loadInto(uc, ctx, key, claim, localTtl);
        }
        if (mine) {
            if (entry.isDone() && !entry.isCompletedExceptionally()) {
                return Uni.createFrom().item(entry.join().value());
            }
            // A copy: a caller that stops waiting (cancels) must not cancel the shared computation.
            return onCallerContext(Uni.createFrom().completionStage(entry.copy()).map(LocalEntry::value));
        }
        // R11a: another caller computes; wait for it at most local.wait-timeout, then compute here. The timeout fires
        // on a timer thread: hop back to the caller's context before running the method (R12).
        CompletableFuture<LocalEntry> other = entry;
        Uni<LocalEntry> waited = onCallerContext(Uni.createFrom().completionStage(other.copy())
                .ifNoItem().after(waitTimeout).on(timer.scheduler()).fail()); // R28: not on the worker pool
        return waited.onItemOrFailure().transformToUni((e, failure) -> {
            if (failure instanceof io.smallrye.mutiny.TimeoutException) {
                uc.stats().miss(StatLayer.LOCAL, MissReason.ABSENT);
                uc.disabled(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT);
                CompletableFuture<LocalEntry> takeOver = new CompletableFuture<>();
                if (!local.takeOver(key, other, takeOver)) {
                    return timedLoad(uc, ctx, key);
                }
                loadInto(uc, ctx, key, takeOver, localTtl); // as the sync path: later callers wait for this load
                return onCallerContext(Uni.createFrom().completionStage(takeOver.copy()).map(LocalEntry::value));
            }
            if (failure != null) {
                return Uni.createFrom().failure(failure); // the method's own exception, as the leader got it (R9)
            }
            if (isStale(uc, key, e)) {
                // it began before an invalidation (or a resync) this caller came after (R6a, R8a): compute afresh
                uc.stats().miss(StatLayer.LOCAL, MissReason.STALE);
                return timedLoad(uc, ctx, key);
            }
            uc.meters().get(StatLayer.LOCAL, System.nanoTime() - began);
            uc.served(StatLayer.LOCAL);
            return Uni.createFrom().item(e.value());
        });
    }

    /**
     * A reactive early refresh of a LOCAL entry (R21) as a {@code Uni} for {@link Detached}: it completes {@code claim}
     * whatever happens (filled, or released and failed, also on cancellation), like {@link #loadInto}.
     */
    private Uni<?> refreshLocal(UseCase uc, InvocationContext ctx, String key, CompletableFuture<LocalEntry> claim,
            long localTtl) {
        long start = System.nanoTime();
        LocalLayer local = uc.localLayer();
        return timedLoad(uc, ctx, key).onItemOrFailure().invoke((value, failure) -> {
            if (failure == null) {
                try {
                    fillLocal(uc, claim, value, localTtl, key, start);
                    return;
                } catch (Throwable t) {
                    failure = t;
                }
            }
            local.release(key, claim);
            claim.completeExceptionally(failure);
        }).onCancellation().invoke(() -> {
            local.release(key, claim);
            claim.completeExceptionally(new java.util.concurrent.CancellationException("refresh cancelled"));
        });
    }

    /**
     * Loads on a subscription of its own and completes {@code claim} with the result, whatever happens: the claim is
     * filled, or released and failed (the obligation of {@link LocalLayer#claim}), also when building the load or
     * filling LOCAL throws.
     */
    private void loadInto(UseCase uc, InvocationContext ctx, String key, CompletableFuture<LocalEntry> claim,
            long localTtl) {
        long start = System.nanoTime();
        LocalLayer local = uc.localLayer();
        java.util.function.Consumer<Throwable> fail = failure -> {
            local.release(key, claim);
            claim.completeExceptionally(failure);
        };
        try {
            timedLoad(uc, ctx, key).subscribe().with(value -> {
                try {
                    fillLocal(uc, claim, value, localTtl, key, start);
                } catch (Throwable t) {
                    fail.accept(t);
                }
            }, fail);
        } catch (Throwable t) {
            fail.accept(t);
        }
    }

    private Uni<Object> reactiveLoad(UseCase uc, InvocationContext ctx, String key, LoadTiming timing) {
        long remoteTtl = decideRemote(uc);
        RemoteBreaker.Permit permit = remoteTtl > 0 ? permit(uc) : null;
        if (permit == null) {
            return proceed(uc, ctx, timing);
        }
        timing.layer = StatLayer.REMOTE;
        uc.stats().request(StatLayer.REMOTE);
        String fullKey = uc.keys().fullKey(key);
        return onCallerContext(
                RemoteLayer.reported(permit, remote.read(fullKey, watermarkKey(uc, fullKey), oversize(uc, fullKey))))
                .onItemOrFailure().transformToUni((read, failure) -> {
                    if (failure != null) {
                        uc.stats().miss(StatLayer.REMOTE, MissReason.ERROR);
                        uc.remoteFailed(failure);
                        return proceed(uc, ctx, timing);
                    }
                    Object hit = decode(uc, fullKey, read, remoteTtl);
                    if (hit != MISS) {
                        uc.served(StatLayer.REMOTE);
                        if (uc.remoteEarlyRefresh() && remoteRefreshDue(uc, read, remoteTtl)) {
                            // R21: refreshed on its own subscription by the lease holder; this caller gets the value
                            refreshRemote(uc, ctx, fullKey, read, remoteTtl);
                        } else if (uc.shadow().draw()) { // R22, off the caller's path
                            shadows.verify(uc, ctx, key, StatLayer.REMOTE, hit, remoteBirth(read), null);
                        }
                        return Uni.createFrom().item(hit);
                    }
                    if (!leasing) {
                        return proceed(uc, ctx, timing)
                                .invoke(value -> store(uc, fullKey, value, read, remoteTtl, null));
                    }
                    // R21: one instance computes a missed key; the others wait briefly for its value
                    return onCallerContext(leaseProtocol.reactive(uc, fullKey, read)).chain(outcome -> {
                        if (outcome instanceof Leases.Outcome.Held held) {
                            RemoteLayer.Lease lease = held.lease();
                            return proceed(uc, ctx, timing).onItemOrFailure().invoke((value, methodFailure) -> {
                                if (methodFailure == null) {
                                    store(uc, fullKey, value, read, remoteTtl, lease);
                                } else {
                                    remote.release(lease);
                                }
                            }).onCancellation().invoke(() -> remote.release(lease));
                        }
                        RemoteRead arrived = outcome instanceof Leases.Outcome.Arrived a ? a.read() : read;
                        if (arrived != read) {
                            Object value = decode(uc, fullKey, arrived, remoteTtl);
                            if (value != MISS) {
                                uc.served(StatLayer.REMOTE);
                                return Uni.createFrom().item(value);
                            }
                        }
                        return proceed(uc, ctx, timing)
                                .invoke(value -> store(uc, fullKey, value, arrived, remoteTtl, null));
                    });
                });
    }

    /** The method's result as a {@code Uni}, timed ({@code gcache.fallback}) and its failures counted. */
    private static Uni<Object> proceed(UseCase uc, InvocationContext ctx, LoadTiming timing) {
        uc.served(null);
        long m0 = System.nanoTime();
        return uc.invokeReactive(ctx).onItemOrFailure().invoke((item, failure) -> {
            timing.methodNanos = System.nanoTime() - m0;
            uc.meters().fallback(timing.layer, timing.methodNanos);
            uc.methodTime(timing.methodNanos);
            if (failure != null) {
                uc.methodFailed(failure);
            }
        });
    }

    /** Emits on the Vert.x context the subscription happened on, if any, hopping only when needed. */
    private static <T> Uni<T> onCallerContext(Uni<T> uni) {
        return ContextHop.emitOn(Vertx.currentContext(), uni);
    }

    // ---- decisions -------------------------------------------------------------------------------------------

    /** The LOCAL TTL for this call, or -1 when LOCAL is not used (config, ramp, or an invalidation gap, R8a). */
    private long decideLocal(UseCase uc) {
        long ttl = decide(uc, CacheLayer.LOCAL);
        if (ttl > 0 && gap.isOpen() && uc.keys().tracked()) {
            uc.disabled(StatLayer.LOCAL, DisabledReason.INVALIDATION_GAP);
            return -1;
        }
        return ttl;
    }

    /** The REMOTE TTL for this call, or -1 when REMOTE is not used (no Redis, config, ramp). Only after a LOCAL miss. */
    private long decideRemote(UseCase uc) {
        return remote == null || uc.remoteRefused() != null ? -1 : decide(uc, CacheLayer.REMOTE); // R31
    }

    /** A breaker permit, or {@code null} (counted {@code server_down}) while Redis is failing (R10, R10a). */
    private RemoteBreaker.Permit permit(UseCase uc) {
        RemoteBreaker.Permit permit = remote.breaker().tryAcquire();
        if (permit == null) {
            uc.disabled(StatLayer.REMOTE, DisabledReason.SERVER_DOWN);
        }
        return permit;
    }

    /** The call's local key, or {@code null} when building it failed (counted and logged; the call falls back, R10). */
    private String key(UseCase uc, InvocationContext ctx) {
        try {
            String key = uc.keys().localKey(ctx.getParameters());
            if (EnableScopes.writtenInScope(uc.keyType(), key)) { // R34: the scope invalidated this entity
                uc.disabled(StatLayer.GLOBAL, DisabledReason.WRITTEN_IN_SCOPE);
                return null;
            }
            return key;
        } catch (KeyTooLongException e) { // R30: bypass, nothing stored
            uc.keyTooLong(remote != null);
            return null;
        } catch (Throwable t) {
            uc.keyFailed(t);
            return null;
        }
    }

    private static long decide(UseCase uc, CacheLayer layer) {
        LayerPolicy.Decision decision = uc.policy(layer).decide();
        if (decision.used()) {
            return decision.ttlNanos();
        }
        uc.disabled(StatLayer.of(layer), decision.reason());
        if (decision.providerFailure() != null) {
            uc.configFailed(layer, decision.providerFailure());
        }
        return -1;
    }

    // ---- LOCAL -----------------------------------------------------------------------------------------------

    /**
     * Completes a claimed computation: its waiters get the value, and LOCAL keeps it unless an invalidation this
     * instance knows of came after the computation began (R6a).
     */
    private void fillLocal(UseCase uc, CompletableFuture<LocalEntry> claim, Object value, long localTtl, String key,
            long start) {
        if (claim == null) {
            return;
        }
        // The layer's TTL is the use case's TTL now, not the one this call decided when it began: a fill that began
        // before an override must not undo it. Before the fill: a TTL may be longer than any configured one, and the
        // fill extends the entries already held to it, so invalidation records must from now on outlive it (R6a; no
        // index finds those entries).
        java.time.Duration now = uc.policy(CacheLayer.LOCAL).knownTtl();
        long layerTtl = now != null && !now.isZero() && !now.isNegative() ? now.toNanos() : localTtl;
        invalidations.retention(Math.max(localTtl, layerTtl));
        LocalEntry entry = new LocalEntry(value, start);
        if (isStale(uc, key, entry) || invalidations.outlived(start)) {
            uc.localLayer().release(key, claim);
            claim.complete(entry);
        } else {
            uc.localLayer().fill(key, claim, entry, layerTtl);
        }
    }

    /**
     * XFetch (R21, Vattani et al., VLDB 2015): recompute a live entry now when {@code now - δ·β·ln(u) >= expiry},
     * that is when its time left is at most {@code -δ·β·ln(u)}, {@code u} uniform in (0, 1], δ the method's usual time. The
     * chance rises as expiry nears and is larger for slow
     * methods, so a hot key is refreshed once, shortly before it expires. Returns the claim when this call refreshes
     * (single flight: none when another call already does), else {@code null}.
     */
    private CompletableFuture<LocalEntry> earlyRefresh(UseCase uc, LocalLayer local, String key, LocalEntry hit) {
        long delta = uc.methodNanos();
        if (delta <= 0) {
            return null;
        }
        long left = local.expiresInNanos(key);
        if (left < 0 || left > xfetchLeadNanos(delta)) {
            return null;
        }
        CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
        return local.claim(key, claim) == null ? claim : null;
    }

    /** Whether the LOCAL or REQUEST entry of {@code key} predates an invalidation known here (R6a) or a resync (R8a). */
    private boolean isStale(UseCase uc, String key, LocalEntry entry) {
        return invalidations.isStale(entry, key, uc.keys().tracked(), uc.invalidated());
    }

    /** Waits for another caller's computation at most {@code local.wait-timeout}; {@code null} when it is late. */
    private LocalEntry awaitOther(CompletableFuture<LocalEntry> entry) throws Exception {
        try {
            return entry.get(waitTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static LocalEntry await(CompletableFuture<LocalEntry> entry) throws Exception {
        try {
            return entry.get();
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static Exception unwrap(Exception e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof Exception ex) {
            return ex;
        }
        throw (Error) cause;
    }

    // ---- REMOTE ----------------------------------------------------------------------------------------------

    /**
     * The value of a trustworthy entry, or {@link #MISS}, counted with its reason: absent; stale per its watermark
     * (R6), a missing watermark (R25) or a pending invalidation (R18); of another shape (R14b); or unreadable, corrupt,
     * future-dated or oversize (R14, R14a; also an error). The rules are {@link RemoteTrust}'s; this counts its
     * verdict and deserializes. An untrusted entry is overwritten by the store that follows the method.
     */
    private Object decode(UseCase uc, String key, RemoteRead read, long remoteTtlNanos) {
        RemoteTrust.Verdict verdict = RemoteTrust.judge(read, uc.shape(), remoteTtlNanos,
                uc.policy(CacheLayer.REMOTE).largestTtlUsed(), () -> pendingInvalidation(key));
        // Java 17: a chain of patterns, not a pattern switch
        if (verdict instanceof RemoteTrust.Trusted trusted) {
            try {
                long s0 = System.nanoTime();
                Object value = uc.serializer().deserialize(trusted.payload(), uc.valueType());
                uc.meters().serialization(false, System.nanoTime() - s0);
                uc.meters().valueSize(trusted.payload().length + Envelope.HEADER);
                return value;
            } catch (Throwable t) {
                uc.stats().miss(StatLayer.REMOTE, MissReason.ERROR);
                uc.codecFailed(t);
            }
        } else if (verdict instanceof RemoteTrust.Oversize oversize) {
            uc.stats().miss(StatLayer.REMOTE, MissReason.ERROR);
            uc.valueTooLarge(key, oversize.bytes(), true);
        } else if (verdict instanceof RemoteTrust.Corrupt corrupt) {
            uc.stats().miss(StatLayer.REMOTE, MissReason.ERROR);
            uc.corrupt(key, corrupt.cause());
        } else {
            uc.stats().miss(StatLayer.REMOTE, verdict instanceof RemoteTrust.Stale ? MissReason.STALE
                    : verdict instanceof RemoteTrust.OtherShape ? MissReason.SCHEMA : MissReason.ABSENT);
        }
        return MISS;
    }

    /** Counts an oversize value a timed-out read's check deleted (R14a). */
    private static LongConsumer oversize(UseCase uc, String fullKey) {
        return bytes -> uc.valueTooLarge(fullKey, bytes, true);
    }

    /** When a REMOTE value was computed, on {@link System#nanoTime()}'s scale: its age by the server's clock. */
    private static long remoteBirth(RemoteRead read) {
        long createdAt = read.createdAt();
        long ageMillis = createdAt < 0 ? 0 : Math.max(0, read.serverNowMillis() - createdAt);
        return System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ageMillis);
    }

    private boolean pendingInvalidation(String key) {
        return outbox.size() > 0 && outbox.isPending(Urns.entityOf(key));
    }

    /**
     * Stores a computed value stamped with the server time of the read that missed (R6a), then ends this caller's
     * lease of the key, if it holds one (R21): after the write, so that waiting instances find the value.
     */
    private void store(UseCase uc, String key, Object value, RemoteRead read, long remoteTtlNanos,
            RemoteLayer.Lease lease) {
        Uni<Void> write;
        try {
            write = storeOperation(uc, key, value, read, remoteTtlNanos);
        } catch (Throwable t) {
            uc.codecFailed(t);
            write = null;
        }
        if (lease != null) {
            if (write == null) {
                remote.release(lease);
            } else {
                write = write.onTermination().invoke(() -> remote.release(lease));
            }
        }
        if (write != null) {
            write.subscribe().with(ok -> {
            }, uc::remoteFailed);
        }
    }

    /** The write of a computed value, or {@code null} when it must not or cannot be stored. */
    private Uni<Void> storeOperation(UseCase uc, String key, Object value, RemoteRead read, long remoteTtlNanos) {
        if (read.watermark() > read.serverNowMillis()) {
            return null; // computed while an invalidation's future buffer runs: not stored (R6)
        }
        if (pendingInvalidation(key)) {
            return null; // its invalidation has not reached Redis yet (R18): the value may be older than it
        }
        byte[] payload;
        try {
            long s0 = System.nanoTime();
            payload = uc.serializer().serialize(value, uc.valueType());
            uc.meters().serialization(true, System.nanoTime() - s0);
            uc.meters().valueSize(payload.length + Envelope.HEADER);
        } catch (Throwable t) {
            uc.codecFailed(t);
            return null;
        }
        if ((long) payload.length + Envelope.HEADER > remote.maxValueSize()) {
            uc.valueTooLarge(key, payload.length + Envelope.HEADER, false);
            return null;
        }
        RemoteBreaker.Permit permit = remote.breaker().tryAcquire();
        if (permit == null) {
            return null;
        }
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remoteTtlNanos));
        return RemoteLayer.reported(permit, remote.write(key, Envelope.wrap(read.serverNowMillis(), uc.shape(), payload),
                ttlMillis));
    }

    /**
     * XFetch for a REMOTE hit (R21): {@code now - δ·β·ln(u) >= expiry}, on Redis' clock: the value was written at its
     * creation time with the use case's REMOTE TTL (the TTL of this call: an override since then shifts the guess).
     */
    private boolean remoteRefreshDue(UseCase uc, RemoteRead read, long remoteTtlNanos) {
        long delta = uc.methodNanos();
        if (delta <= 0) {
            return false;
        }
        long expiryMillis = read.createdAt() + TimeUnit.NANOSECONDS.toMillis(remoteTtlNanos);
        return read.serverNowMillis() + xfetchLeadNanos(delta) / 1e6 >= expiryMillis;
    }

    /**
     * XFetch's lead, drawn anew per call (R21): {@code -δ·β·ln(u)}, {@code u} uniform in (0, 1], δ the method's usual
     * time ({@code deltaNanos}). A call recomputes the entry when its time left is at most this; the one formula for
     * LOCAL and REMOTE.
     */
    private double xfetchLeadNanos(long deltaNanos) {
        double u = 1.0 - ThreadLocalRandom.current().nextDouble();
        return -deltaNanos * earlyRefreshBeta * Math.log(u);
    }

    /**
     * Whether the entry a hit read was replaced since (another caller's refresh landed between this caller's read and
     * its lease): then refreshing again would only run the method twice.
     */
    private boolean refreshedMeanwhile(UseCase uc, String fullKey, RemoteRead read) {
        try {
            return Leases.arrived(awaitRemote(remote.read(fullKey, watermarkKey(uc, fullKey), oversize(uc, fullKey))),
                    read.createdAt());
        } catch (Throwable t) {
            return false; // refresh: the value is about to expire anyway
        }
    }

    /**
     * A reactive early refresh of a REMOTE entry: under the key's lease, {@link Detached detached} from the caller (its
     * own Vert.x context and request context, no enable scope). Like the reactive LOCAL refresh it counts no miss
     * (the caller got the cached value); the method's run is timed and its failures counted as always.
     */
    private void refreshRemote(UseCase uc, InvocationContext ctx, String fullKey, RemoteRead read, long remoteTtl) {
        Detached.start(Infrastructure.getDefaultWorkerPool(), () -> leaseProtocol.take(uc, fullKey)
                .chain(lease -> lease == null ? Uni.createFrom().<RemoteLayer.Lease> nullItem()
                        : remote.read(fullKey, watermarkKey(uc, fullKey), oversize(uc, fullKey)).map(now -> {
                            if (Leases.arrived(now, read.createdAt())) {
                                remote.release(lease); // another caller's refresh landed after this caller's read
                                return null;
                            }
                            return lease;
                        }).onFailure().recoverWithItem(lease))
                .chain(lease -> lease == null ? Uni.createFrom().nullItem()
                        : proceed(uc, ctx, new LoadTiming(StatLayer.REMOTE)).onItemOrFailure().invoke((value, failure) -> {
                            if (failure == null) {
                                store(uc, fullKey, value, read, remoteTtl, lease);
                            } else {
                                remote.release(lease);
                            }
                        }).onCancellation().invoke(() -> remote.release(lease))),
                failure -> {
                    // the method's own failure: counted by proceed(); the lease was released above
                });
    }

    /**
     * Waits for a REMOTE operation, which its layer bounds by {@code remote.timeout} on GCache's own timer (R28). The
     * wait itself is bounded too, by a backstop of twice the timeout plus a second, so that no caller waits for Redis
     * indefinitely even if that timer could not run.
     */
    private <T> T awaitRemote(Uni<T> operation) {
        return operation.await().atMost(remoteBackstop);
    }

    static String watermarkKey(UseCase uc, String key) {
        if (!uc.keys().tracked()) {
            return null;
        }
        return Urns.entityOf(key) + "#" + Urns.WATERMARK;
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
