package io.quarkiverse.gcache.runtime.invalidation;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.context.ThreadContext;

import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.smallrye.context.CleanAutoCloseable;
import io.smallrye.context.SmallRyeThreadContext;

/**
 * {@link AfterCommit} for JTA ({@code @Transactional}, {@code QuarkusTransaction}, Panache ORM): an interposed
 * synchronization, whose {@code afterCompletion} Narayana calls once the resources have committed (or rolled back), on
 * the thread that ends the transaction, before {@code commit} returns. A bean only when the build finds the
 * transactions capability, so this class is never loaded without JTA.
 */
@Singleton
public class JtaAfterCommit implements AfterCommit {

    /** Every context the application propagates (GCache's enable scope included), except the transaction. */
    private final SmallRyeThreadContext withoutTransaction = SmallRyeThreadContext.builder()
            .propagated(ThreadContext.ALL_REMAINING).cleared(ThreadContext.TRANSACTION).unchanged().build();

    private final FailureLog failures = new FailureLog("invalidation after commit");

    @Inject
    TransactionSynchronizationRegistry registry;

    @Override
    public boolean register(Runnable action) {
        if (registry.getTransactionStatus() == Status.STATUS_NO_TRANSACTION) {
            return false;
        }
        try {
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    // Also after a rollback: code inside the transaction may have cached values computed from its
                    // own uncommitted writes; dropping them is all a rollback costs (R24).
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        failures.logMessage("could not invalidate after the transaction completed", e);
                    }
                }
            });
            return true;
        } catch (IllegalStateException e) {
            // the transaction is already completing (e.g. an invalidation from a beforeCompletion callback): the
            // caller's own invalidation is then the last one
            return false;
        }
    }

    @Override
    public <T> T outsideTransaction(Supplier<T> work) {
        if (registry.getTransactionStatus() == Status.STATUS_NO_TRANSACTION) {
            return work.get();
        }
        return SmallRyeThreadContext.withThreadContext(withoutTransaction, work);
    }

    @Override
    public Object cachedCall(InvocationContext ctx, CachedCall call) throws Exception {
        if (registry.getTransactionStatus() == Status.STATUS_NO_TRANSACTION) {
            return call.call(ctx);
        }
        SmallRyeThreadContext callers = SmallRyeThreadContext.getCurrentThreadContext();
        try (CleanAutoCloseable gcache = SmallRyeThreadContext.withThreadContext(withoutTransaction)) {
            return call.call(new CallersContext(ctx, callers));
        }
    }

    /** The intercepted invocation, whose method runs with the caller's thread context (transaction included). */
    private record CallersContext(InvocationContext ctx, SmallRyeThreadContext callers) implements InvocationContext {

        @Override
        public Object proceed() throws Exception {
            try (CleanAutoCloseable method = SmallRyeThreadContext.withThreadContext(callers)) {
                return ctx.proceed();
            }
        }

        @Override
        public Object getTarget() {
            return ctx.getTarget();
        }

        @Override
        public Object getTimer() {
            return ctx.getTimer();
        }

        @Override
        public Method getMethod() {
            return ctx.getMethod();
        }

        @Override
        public Constructor<?> getConstructor() {
            return ctx.getConstructor();
        }

        @Override
        public Object[] getParameters() {
            return ctx.getParameters();
        }

        @Override
        public void setParameters(Object[] params) {
            ctx.setParameters(params);
        }

        @Override
        public Map<String, Object> getContextData() {
            return ctx.getContextData();
        }

        @Override
        public java.util.Set<java.lang.annotation.Annotation> getInterceptorBindings() {
            return ctx.getInterceptorBindings();
        }

        @Override
        public <T extends java.lang.annotation.Annotation> T getInterceptorBinding(Class<T> type) {
            return ctx.getInterceptorBinding(type);
        }

        @Override
        public <T extends java.lang.annotation.Annotation> java.util.Set<T> getInterceptorBindings(Class<T> type) {
            return ctx.getInterceptorBindings(type);
        }
    }
}
