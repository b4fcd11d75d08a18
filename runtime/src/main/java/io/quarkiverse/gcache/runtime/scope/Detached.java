package io.quarkiverse.gcache.runtime.scope;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.quarkiverse.gcache.GCache;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Reactive work started by a call but not part of it: a shadow run (reference R22) or an early refresh of a REMOTE
 * entry (R21). It must neither share the caller's state nor outlive its own.
 * <p>
 * Guarantees: the work runs after the current task, on a new duplicated Vert.x context of the caller's event loop
 * (on {@code worker} when the caller has no Vert.x context), so it sees none of the caller's context locals (a
 * reactive database session, the caller's enable scope and REQUEST layer). It runs outside any enable scope, so
 * cached calls inside it compute afresh. It gets a request context of its own, which ends when the work's
 * {@code Uni} ends (item, failure or cancellation), not when the work was subscribed. A failure to start, or of the
 * work, goes to {@code failed}; nothing reaches the caller. The returned {@link Handle} cancels the work: before it
 * started ({@code failed} then gets a {@link CancellationException}) or its subscription.
 */
public final class Detached {

    private Detached() {
    }

    /** Cancels detached work, whether it has started or not; thread-safe, idempotent. */
    public static final class Handle {
        private static final Object CANCELLED = new Object();
        /** {@code null} until subscribed, then its subscription; {@link #CANCELLED} once cancelled. */
        private final AtomicReference<Object> state = new AtomicReference<>();

        public void cancel() {
            if (state.getAndSet(CANCELLED) instanceof Cancellable subscription) {
                subscription.cancel();
            }
        }

        boolean cancelled() {
            return state.get() == CANCELLED;
        }

        /** The work's subscription: kept for {@link #cancel}, or cancelled now if that came first. */
        void subscribed(Cancellable subscription) {
            if (!state.compareAndSet(null, subscription)) {
                subscription.cancel();
            }
        }
    }

    /** Starts {@code work} detached from the current call; returns at once. */
    public static Handle start(Executor worker, Supplier<Uni<?>> work, Consumer<Throwable> failed) {
        Handle handle = new Handle();
        Context caller = Vertx.currentContext();
        try {
            if (caller != null) {
                Context own = VertxContext.createNewDuplicatedContext(caller);
                own.runOnContext(ignored -> run(work, failed, true, handle));
            } else {
                worker.execute(() -> run(work, failed, false, handle));
            }
        } catch (Throwable t) { // e.g. a rejected task at shutdown
            failed.accept(t);
        }
        return handle;
    }

    private static void run(Supplier<Uni<?>> work, Consumer<Throwable> failed, boolean onVertxContext,
            Handle handle) {
        if (handle.cancelled()) {
            failed.accept(new CancellationException("cancelled before it started"));
            return;
        }
        ManagedContext requests = null;
        InjectableContext.ContextState state = null;
        try (GCache.Scope off = EnableScopes.open(false)) {
            requests = Arc.container().requestContext();
            if (!requests.isActive()) {
                requests.activate();
                state = requests.getState();
            }
            InjectableContext.ContextState own = state;
            ManagedContext context = requests;
            handle.subscribed(work.get().onTermination().invoke(() -> {
                if (own != null) {
                    context.destroy(own);
                }
            }).subscribe().with(ignored -> {
            }, failed));
        } catch (Throwable t) {
            if (state != null) {
                requests.destroy(state);
            }
            failed.accept(t);
        } finally {
            if (state != null && !onVertxContext) {
                // on a worker the request context lives in a thread local: leave the thread as it was found; on the
                // new Vert.x context it stays with that context for the work's asynchronous steps
                requests.deactivate();
            }
        }
    }
}
