package io.quarkiverse.gcache.runtime.invalidation;

import java.util.function.Supplier;

import jakarta.interceptor.InvocationContext;

import io.quarkiverse.gcache.runtime.invoke.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * R24: an invalidation made inside a transaction is made again once the transaction has completed, because a read
 * between the first one and the commit still sees the old rows and caches them, stamped after the first watermark.
 * Free of transaction types: {@link #NONE} is used unless the build found JTA or Hibernate Reactive. Then
 * {@link JtaAfterCommit}, the only class that touches {@code jakarta.transaction}, and/or
 * {@link HibernateReactiveAfterCommit}, the only one that touches {@code org.hibernate.reactive} (selected when both are
 * there, and delegating to the other), is a bean.
 */
public interface AfterCommit {

    /** Without JTA and Hibernate Reactive: there is never a transaction to wait for. */
    AfterCommit NONE = new AfterCommit() {
    };

    /**
     * When the calling thread is in a transaction, registers {@code action} to run when it has completed (committed or
     * rolled back), on the thread that completes it and before {@code commit} returns (a reactive transaction: before
     * its {@code Uni} completes), and answers {@code true}; otherwise registers nothing and answers {@code false}.
     */
    default boolean register(Runnable action) {
        return false;
    }

    /**
     * Runs {@code work}, which builds (and may wait for) Redis operations, so that their callbacks do not carry the
     * caller's transaction to the Vert.x threads that run them: a transaction resumed on an event loop while its own
     * thread commits makes the commit fail (Quarkus issue 18689).
     */
    default <T> T outsideTransaction(Supplier<T> work) {
        return work.get();
    }

    /** A cached call given the invocation whose {@code proceed()} runs the method. */
    @FunctionalInterface
    interface CachedCall {
        Object call(InvocationContext method) throws Exception;
    }

    /**
     * A {@code @GCached} call: as {@link #outsideTransaction} for GCache's own Redis operations, while the method itself
     * ({@code proceed()}) runs with the caller's contexts, transaction included.
     */
    default Object cachedCall(InvocationContext ctx, CachedCall call) throws Exception {
        return call.call(ctx);
    }

    /**
     * {@link #register} of an invalidation that the completing thread waits for (at most {@code remote.timeout}; not on
     * an event loop, R12), so that the watermark is written when {@code commit} returns; a reactive transaction's
     * {@code Uni} waits for it without blocking. A failure is the outbox's (R18): it is never thrown into the
     * transaction's completion.
     */
    default boolean again(Supplier<Uni<Void>> invalidation) {
        return register(() -> outsideTransaction(() -> Blocking.awaitUnlessEventLoop(
                Uni.createFrom().deferred(() -> invalidation.get()).onFailure().recoverWithNull(), null)));
    }
}
