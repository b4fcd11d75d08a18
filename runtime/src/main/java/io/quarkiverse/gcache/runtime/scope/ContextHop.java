package io.quarkiverse.gcache.runtime.scope;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Back to a Vert.x context after work that completed elsewhere (a Redis reply, a timer): the caller's code, and
 * Hibernate Reactive's session, must go on on the context they started on (R12). Hops only when needed.
 */
public final class ContextHop {

    private ContextHop() {
    }

    /** {@code uni}, emitting on {@code context}; {@code uni} itself when {@code context} is {@code null}. */
    public static <T> Uni<T> emitOn(Context context, Uni<T> uni) {
        if (context == null) {
            return uni;
        }
        return uni.emitOn(task -> {
            if (io.vertx.core.Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        });
    }
}
