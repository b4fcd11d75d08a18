package io.quarkiverse.gcache.runtime.scope;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.keys.Urns;
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
 * An enabled scope carries its REQUEST layer (R20), created on first use, and the entities it invalidated (R34), so
 * that its later reads of them bypass the cache. A nested {@code enable()} inside an enabled scope continues that scope
 * (same REQUEST layer, same writes): it is still the same request.
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

        /** The entities this scope invalidated (R34): escaped ids by key type; {@code null} until the first. */
        private volatile ConcurrentHashMap<String, Set<String>> written;

        /** Records that this scope invalidated the entity {@code keyType}/{@code escapedId} (R34). */
        void wrote(String keyType, String escapedId) {
            ConcurrentHashMap<String, Set<String>> w = written;
            if (w == null) {
                synchronized (this) {
                    w = written;
                    if (w == null) {
                        written = w = new ConcurrentHashMap<>(4);
                    }
                }
            }
            w.computeIfAbsent(keyType, k -> ConcurrentHashMap.newKeySet()).add(escapedId);
        }

        /** Whether this scope invalidated the entity of {@code localKey}, a key of a use case of {@code keyType}. */
        boolean wroteEntityOf(String keyType, String localKey) {
            ConcurrentHashMap<String, Set<String>> w = written;
            Set<String> ids = w == null ? null : w.get(keyType);
            if (ids == null) {
                return false;
            }
            int idLength = KeyBuilder.idLength(localKey);
            return ids.contains(idLength == localKey.length() ? localKey : localKey.substring(0, idLength));
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

    /**
     * Whether any enabled scope ever invalidated an entity (R34). Until one does, a cached call skips the lookup of
     * {@link #writtenInScope}: reading this costs one volatile read.
     */
    private static volatile boolean anyWrites;

    private EnableScopes() {
    }

    /**
     * R34: {@code state} (the scope of the call that invalidates, taken when that call began; {@code null} or disabled:
     * nothing to do) invalidated the entity {@code keyType}/{@code id}, so its later cached reads of the entity bypass
     * every layer.
     */
    public static void recordWrite(State state, String keyType, String id) {
        if (state != null && state.enabled) {
            state.wrote(keyType, Urns.escape(id));
            if (!anyWrites) {
                anyWrites = true;
            }
        }
    }

    /**
     * R34: whether the enabled scope here invalidated the entity of {@code localKey}, a local key of a use case of
     * {@code keyType}. Allocates nothing and takes no lock unless the scope invalidated entities of that key type.
     */
    public static boolean writtenInScope(String keyType, String localKey) {
        if (!anyWrites) {
            return false;
        }
        State state = current();
        return state != null && state.enabled && state.wroteEntityOf(keyType, localKey);
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
