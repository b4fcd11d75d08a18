package io.quarkiverse.gcache.test.transactions;

import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.smallrye.mutiny.Uni;

/** Between {@code @WithTransaction} (PLATFORM_BEFORE + 200) and {@code @GCacheInvalidate} (+ 250). */
@HoldBeforeCommit
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 225)
public class HoldBeforeCommitInterceptor {

    @AroundInvoke
    @SuppressWarnings("unchecked")
    Object hold(InvocationContext ctx) throws Exception {
        long id = (Long) ctx.getParameters()[0];
        Function<Long, Uni<?>> beforeCommit = (Function<Long, Uni<?>>) ctx.getParameters()[2];
        return ((Uni<?>) ctx.proceed()).call(() -> beforeCommit.apply(id));
    }
}
