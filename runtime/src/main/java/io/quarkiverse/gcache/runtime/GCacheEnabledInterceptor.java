package io.quarkiverse.gcache.runtime;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;

/**
 * {@code @GCacheEnabled} on a CDI bean method: caching is enabled for the call, and a returned {@code Uni} is
 * subscribed inside an enabled scope too, so cached calls it makes when subscribed are covered. A returned
 * {@code CompletionStage} is already running when the call returns, so the call covers it.
 */
@GCacheEnabled
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 200)
public class GCacheEnabledInterceptor {

    @AroundInvoke
    Object intercept(InvocationContext ctx) throws Exception {
        Object result;
        EnableScopes.State state;
        try (GCache.Scope scope = EnableScopes.open(true)) {
            state = EnableScopes.current();
            result = ctx.proceed();
        }
        if (result instanceof Uni<?> uni) {
            return new EnabledUni<>(uni, state);
        }
        return result;
    }

    /** Subscribes in the call's own scope: one REQUEST layer for the call and its subscription (R20). */
    private static final class EnabledUni<T> extends AbstractUni<T> {
        private final Uni<T> upstream;
        private final EnableScopes.State state;

        EnabledUni(Uni<T> upstream, EnableScopes.State state) {
            this.upstream = upstream;
            this.state = state;
        }

        @Override
        public void subscribe(UniSubscriber<? super T> subscriber) {
            try (GCache.Scope scope = EnableScopes.open(state)) {
                AbstractUni.subscribe(upstream, subscriber);
            }
        }
    }
}
