package io.quarkiverse.gcache.runtime.scope;

import io.quarkiverse.gcache.GCache;
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
 */
public final class EnableScopes {

    /** Context-local key; also written by the HTTP filter. */
    public static final String CONTEXT_KEY = "io.quarkiverse.gcache.enabled";

    private static final ThreadLocal<Boolean> THREAD = new ThreadLocal<>();

    private EnableScopes() {
    }

    public static boolean isEnabled() {
        return current() == Boolean.TRUE;
    }

    /** The effective state here: {@code TRUE}, {@code FALSE} or {@code null} (no scope, so disabled). */
    static Boolean current() {
        Boolean state = THREAD.get();
        if (state == null) {
            Context context = duplicatedContext();
            if (context != null) {
                state = context.getLocal(CONTEXT_KEY);
            }
        }
        return state;
    }

    /** Sets the thread's state (context propagation) and returns the previous one. */
    static Boolean swapThreadState(Boolean state) {
        Boolean previous = THREAD.get();
        if (state == null) {
            THREAD.remove();
        } else {
            THREAD.set(state);
        }
        return previous;
    }

    /** Opens a scope that enables ({@code true}) or disables caching until closed. */
    public static GCache.Scope open(boolean enabled) {
        Boolean state = Boolean.valueOf(enabled);
        Boolean previousThread = THREAD.get();
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
            context.putLocal(CONTEXT_KEY, Boolean.TRUE);
        }
    }

    private static Context duplicatedContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context) ? context : null;
    }

    private static final class RestoringScope implements GCache.Scope {
        private final Boolean previousThread;
        private final Context context;
        private final Object previousContext;
        private boolean closed;

        RestoringScope(Boolean previousThread, Context context, Object previousContext) {
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
