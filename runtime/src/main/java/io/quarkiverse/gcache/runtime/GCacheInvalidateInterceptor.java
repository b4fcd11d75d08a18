package io.quarkiverse.gcache.runtime;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.runtime.invalidation.GCacheInvalidateBinding;
import io.quarkiverse.gcache.runtime.invoke.Blocking;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.smallrye.mutiny.Uni;

/**
 * {@code @GCacheInvalidate}: after a normal return (or the item of a {@code Uni}/{@code CompletionStage}),
 * invalidates the entity, enabled scope or not. Never when the method fails. A cache failure is logged and the
 * method's result returned unchanged: the write path never breaks because Redis is down (R10). A sync method waits
 * for the watermark (at most {@code remote.timeout}), so a read that follows the write on any instance sees it. Inside
 * an enabled scope, the scope's later cached reads of the entity bypass the cache (R34).
 * <p>
 * Inside a transaction (R24) the rows are not committed when the method returns: a read until the commit still finds
 * the old ones. So the invalidation is registered to run again when the transaction completes, whatever the method
 * did: a method that throws may still commit its writes (a checked exception does not roll back a
 * {@code @Transactional}), and after a rollback it only drops what code inside the transaction cached from its own
 * uncommitted writes. The transaction is a JTA one ({@code JtaAfterCommit}) or a Hibernate Reactive one
 * ({@code HibernateReactiveAfterCommit}, reference: R24 for Hibernate Reactive), whichever the build found.
 */
@GCacheInvalidateBinding
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 250)
public class GCacheInvalidateInterceptor {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    @Inject
    GCacheRuntime runtime;

    @AroundInvoke
    Object intercept(InvocationContext ctx) throws Exception {
        GCacheInvalidateBinding binding = ctx.getInterceptorBinding(GCacheInvalidateBinding.class);
        GCacheRuntime.Invalidation target = binding == null ? null : runtime.invalidation(binding.id());
        if (target == null) {
            return ctx.proceed();
        }
        String id;
        try {
            id = target.id(ctx.getParameters());
        } catch (RuntimeException e) {
            LOG.warnf("GCache could not read the id to invalidate from %s: %s", ctx.getMethod(), e);
            return ctx.proceed();
        }
        EnableScopes.State scope = EnableScopes.current(); // the caller's, wherever the result completes (R34)
        String keyType = target.method().keyType();
        runtime.afterCommit().again(() -> invalidation(keyType, id));
        Object result = ctx.proceed();
        return switch (target.method().kind()) {
            case UNI -> ((Uni<?>) result).call(() -> {
                EnableScopes.recordWrite(scope, keyType, id);
                return invalidation(keyType, id);
            });
            case COMPLETION_STAGE -> ((CompletionStage<?>) result).thenCompose(v -> {
                EnableScopes.recordWrite(scope, keyType, id);
                return invalidation(keyType, id).replaceWith(v).subscribeAsCompletionStage();
            });
            case SYNC -> {
                EnableScopes.recordWrite(scope, keyType, id);
                runtime.afterCommit().outsideTransaction(() -> Blocking.awaitUnlessEventLoop(invalidation(keyType, id), null));
                yield result;
            }
        };
    }

    private Uni<Void> invalidation(String keyType, String id) {
        return runtime.afterCommit().outsideTransaction(
                () -> runtime.invalidator().invalidate(keyType, id, null).onFailure().recoverWithNull());
    }
}
