package io.quarkiverse.gcache.runtime.scope;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.layers.RequestLayer;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Where "is caching enabled here?" is answered (reference R1).
 * <p>
 * A scope is held in a thread local and, when opened on a Vert.x duplicated context (one per HTTP request), in that
 * context's locals as well, so that code of the same request running after an async hop sees it. The thread
 * local wins over the context, which lets a nested {@code disable()} opt out of an enabled request. Reading the
 * state allocates nothing and takes no lock.
 * <p>
 * An enabled scope carries its REQUEST layer (R20), created on first use. A nested {@code enable()} inside an enabled
 * scope continues that scope (same REQUEST layer): it is still the same request.
 */
public final class EnableScopes {

    /** Context-local key; also written by the HTTP filter. */
    public static final String CONTEXT_KEY = "io.quarkiverse.gcache.enabled";

    private static final ThreadLocal<State> THREAD = new ThreadLocal<>();

    /** The state of a scope: enabled or not, and the REQUEST layer of an enabled one. Shared by the async hops. */
    public static final class State {
        static final State DISABLED = new State(false);

        final boolean enabled;
        private volatile RequestLayer request;

        State(boolean enabled) {
            this.enabled = enabled;
        }

        /** The REQUEST layer of this scope, created on first use. */
        RequestLayer request() {
            RequestLayer r = request;
            if (r == null) {
                synchronized (this) {
                    r = request;
                    if (r == null) {
                        request = r = new RequestLayer();
                    }
                }
            }
            return r;
        }
    }

    private EnableScopes() {
    }

    public static boolean isEnabled() {
        State state = current();
        return state != null && state.enabled;
    }

    /**
     * The REQUEST layer of the enabled scope here (R20), or {@code null} outside one. Call only for use cases with the
     * REQUEST layer on: the first call in a scope creates it.
     */
    public static RequestLayer requestLayer() {
        State state = current();
        return state != null && state.enabled ? state.request() : null;
    }

    /** The effective state here, or {@code null} (no scope, so disabled). */
    public static State current() {
        State state = THREAD.get();
        if (state == null) {
            Context context = duplicatedContext();
            if (context != null) {
                state = context.getLocal(CONTEXT_KEY);
            }
        }
        return state;
    }

    /** Sets the thread's state (context propagation) and returns the previous one. */
    static State swapThreadState(State state) {
        State previous = THREAD.get();
        if (state == null) {
            THREAD.remove();
        } else {
            THREAD.set(state);
        }
        return previous;
    }

    /** Opens a scope that enables ({@code true}) or disables caching until closed. */
    public static GCache.Scope open(boolean enabled) {
        State outer = current();
        return open(!enabled ? State.DISABLED : outer != null && outer.enabled ? outer : new State(true));
    }

    /**
     * Opens {@code state} again, e.g. when a {@code Uni} returned by an {@code @GCacheEnabled} method is subscribed: its
     * cached calls then share the call's REQUEST layer.
     */
    public static GCache.Scope open(State state) {
        State previousThread = THREAD.get();
        THREAD.set(state);
        Context context = duplicatedContext();
        Object previousContext = null;
        if (context != null) {
            previousContext = context.getLocal(CONTEXT_KEY);
            context.putLocal(CONTEXT_KEY, state);
        }
        return new RestoringScope(previousThread, context, previousContext);
    }

    /** Marks the current request context (if any) as enabled, for the rest of the request. */
    public static void enableCurrentContext() {
        Context context = duplicatedContext();
        if (context != null) {
            State existing = context.getLocal(CONTEXT_KEY);
            if (existing == null || !existing.enabled) {
                context.putLocal(CONTEXT_KEY, new State(true));
            }
        }
    }

    private static Context duplicatedContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context) ? context : null;
    }

    private static final class RestoringScope implements GCache.Scope {
        private final State previousThread;
        private final Context context;
        private final Object previousContext;
        private boolean closed;

        RestoringScope(State previousThread, Context context, Object previousContext) {
            this.previousThread = previousThread;
            this.context = context;
            this.previousContext = previousContext;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previousThread == null) {
                THREAD.remove();
            } else {
                THREAD.set(previousThread);
            }
            if (context != null) {
                if (previousContext == null) {
                    context.removeLocal(CONTEXT_KEY);
                } else {
                    context.putLocal(CONTEXT_KEY, previousContext);
                }
            }
        }
    }
}
