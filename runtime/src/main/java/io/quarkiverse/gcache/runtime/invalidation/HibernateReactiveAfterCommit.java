package io.quarkiverse.gcache.runtime.invalidation;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;

import org.hibernate.reactive.engine.ReactiveAfterTransactionCompletionProcess;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.session.ReactiveSession;
import org.jboss.logging.Logger;

import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.quarkiverse.gcache.runtime.scope.ContextHop;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.InstanceHandle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * {@link AfterCommit} for Hibernate Reactive: reference R24 "Invalidation happens after commit", section "Hibernate
 * Reactive" (anchor {@code r24-hibernate-reactive}), which says why these two ways and what they do not cover.
 * An invalidation inside a reactive transaction is made at once and again after the transaction completed, before the
 * transaction's {@code Uni} completes for its subscriber, without blocking the event loop. Two ways, the first that
 * applies:
 * <ol>
 * <li>Declarative ({@code @WithTransaction}, {@code @ReactiveTransactional}): the build binds {@link Boundary}'s
 * interceptor to those methods; it runs outside Quarkus' ({@code PLATFORM_BEFORE + 199} &lt; {@code + 200}) and, when
 * the call starts a transaction (none is current), keeps the invalidations made inside in the Vert.x duplicated context
 * and makes them once the method's {@code Uni} has terminated: after the commit, after a rollback, also when the work
 * failed, and for a stateless session. Public API only (CDI, Mutiny, Vert.x context locals).</li>
 * <li>Any other transaction of a session ({@code Panache.withTransaction}, {@code Mutiny.SessionFactory.withTransaction},
 * {@code session.withTransaction}): a {@code ReactiveAfterTransactionCompletionProcess} on the session's
 * {@code ReactiveActionQueue}, which Hibernate Reactive runs in the transaction's own {@code Uni} chain right after the
 * commit (or a {@code markForRollback} rollback), composing its {@code CompletionStage}. It is not run when the work
 * fails (the exception skips it), and a stateless session has no such queue: there the invalidation is made once. The
 * queue is reached through the session implementation ({@code MutinySessionImpl.unwrap(ReactiveSession.class)}), the
 * one non-public step: if it is ever missing, the invalidation is made once and a warning says so.</li>
 * </ol>
 * A reactive transaction is current when a {@code Mutiny.SessionFactory} of the application has a current session (the
 * one its {@code withSession}/{@code withTransaction}, and Quarkus Panache, keep in the duplicated context; public
 * {@code getCurrentSession()}) whose public {@code currentTransaction()} is set.
 * <p>
 * When the application also has JTA, everything outside a reactive transaction is {@link JtaAfterCommit}'s: this bean is
 * then the selected {@link AfterCommit} (an alternative with a priority) and delegates to it. A bean only when the build
 * finds Hibernate Reactive, so this class is never loaded without it.
 */
@Singleton
@Alternative
@Priority(1)
public class HibernateReactiveAfterCommit implements AfterCommit {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    /** Context-local key of the invalidations of the transaction a {@link Boundary} method started. */
    private static final String PENDING = "io.quarkiverse.gcache.reactive-transaction-invalidations";

    private final FailureLog failures = new FailureLog("invalidation after a reactive commit");

    @Inject
    @Any
    InjectableInstance<Mutiny.SessionFactory> factories;

    @Inject
    BeanManager beans;

    /** The session factories of the active persistence units, found on first use. */
    private volatile List<Mutiny.SessionFactory> active;

    /** {@link JtaAfterCommit} when the application has JTA, else {@link AfterCommit#NONE}; found on first use. */
    private volatile AfterCommit jta;

    private volatile boolean warnedUnreachable;
    private volatile boolean warnedStateless;

    /** Binding of {@link BoundaryInterceptor}, added by the build to {@code @WithTransaction} classes and methods. */
    @InterceptorBinding
    @Retention(RUNTIME)
    @Target({ METHOD, TYPE })
    public @interface Boundary {
    }

    /** Outside Quarkus' {@code @WithTransaction} interceptor ({@code PLATFORM_BEFORE + 200}). */
    @Boundary
    @Interceptor
    @Priority(Interceptor.Priority.PLATFORM_BEFORE + 199)
    public static class BoundaryInterceptor {

        @Inject
        HibernateReactiveAfterCommit afterCommit;

        @AroundInvoke
        Object around(InvocationContext ctx) throws Exception {
            // a class-level @WithTransaction leaves methods not returning Uni alone, and so does this
            return ctx.getMethod().getReturnType() == Uni.class ? afterCommit.boundary(ctx) : ctx.proceed();
        }
    }

    /** The invalidations of one declarative transaction, made when its {@code Uni} terminates. */
    private static final class Pending {
        private final List<Supplier<Uni<Void>>> invalidations = new ArrayList<>(2);

        synchronized void add(Supplier<Uni<Void>> invalidation) {
            invalidations.add(invalidation);
        }

        synchronized List<Supplier<Uni<Void>>> drain() {
            List<Supplier<Uni<Void>>> all = List.copyOf(invalidations);
            invalidations.clear();
            return all;
        }
    }

    /**
     * A {@code @WithTransaction} call. When it starts the transaction (no reactive transaction is current on this
     * duplicated context, and no enclosing {@code @WithTransaction} call keeps invalidations), the invalidations made
     * while its {@code Uni} runs are kept and made again once it has terminated. Otherwise it joins a transaction whose
     * end is someone else's, and this does nothing.
     */
    Object boundary(InvocationContext ctx) throws Exception {
        Context context = Vertx.currentContext();
        if (context == null || !VertxContext.isDuplicatedContext(context) || context.getLocal(PENDING) != null
                || inTransaction(null)) {
            return ctx.proceed();
        }
        Uni<?> transaction = (Uni<?>) ctx.proceed(); // built now (Quarkus decides here to join or begin), run later
        Pending pending = new Pending();
        return Uni.createFrom().deferred(() -> {
            context.putLocal(PENDING, pending);
            return transaction;
        }).onTermination().call(() -> {
            context.removeLocal(PENDING);
            // after a commit, a rollback, a failure (Hibernate Reactive's own completion callbacks are skipped then)
            // or a cancellation; never failing the method's Uni
            return onContext(context, made(pending.drain()));
        });
    }

    @Override
    public boolean register(Runnable action) {
        if (!inReactiveTransaction()) {
            return jta().register(action);
        }
        return again(() -> Uni.createFrom().item(() -> {
            action.run();
            return null;
        }));
    }

    @Override
    public boolean again(Supplier<Uni<Void>> invalidation) {
        Context context = Vertx.currentContext();
        Pending pending = context == null ? null : context.getLocal(PENDING);
        if (pending != null) {
            pending.add(invalidation);
            return true;
        }
        List<Mutiny.Session> sessions = new ArrayList<>(1);
        if (!inTransaction(sessions)) {
            return jta().again(invalidation);
        }
        if (sessions.isEmpty()) { // only a stateless session's transaction
            if (!warnedStateless) {
                warnedStateless = true;
                LOG.warn("GCache cannot make an invalidation after the commit of a Hibernate Reactive StatelessSession "
                        + "transaction that no @WithTransaction method started (such a session has no completion "
                        + "callbacks): it is made once, at the call (R24)");
            }
            return false;
        }
        boolean registered = false;
        for (Mutiny.Session session : sessions) {
            registered |= registerOn(session, (success, ignored) -> onContext(context, made(List.of(invalidation)))
                    .subscribeAsCompletionStage());
        }
        return registered;
    }

    @Override
    public <T> T outsideTransaction(Supplier<T> work) {
        return jta().outsideTransaction(work);
    }

    @Override
    public Object cachedCall(InvocationContext ctx, CachedCall call) throws Exception {
        return jta().cachedCall(ctx, call);
    }

    private boolean inReactiveTransaction() {
        Context context = Vertx.currentContext();
        return context != null && context.getLocal(PENDING) != null || inTransaction(null);
    }

    /**
     * Invalidations made after a transaction completed, at once each: never failing (a failure is the outbox's, R18;
     * failing here would fail the transaction's {@code Uni} after its commit).
     */
    private static Uni<Void> made(List<Supplier<Uni<Void>>> invalidations) {
        if (invalidations.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> all = new ArrayList<>(invalidations.size());
        for (Supplier<Uni<Void>> invalidation : invalidations) {
            all.add(Uni.createFrom().deferred(() -> invalidation.get()).onFailure().recoverWithNull());
        }
        return Uni.join().all(all).andCollectFailures().replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Back on the transaction's context, where Hibernate Reactive goes on (a session is used on its own thread). */
    private static Uni<Void> onContext(Context context, Uni<Void> uni) {
        return ContextHop.emitOn(context, uni);
    }

    private boolean registerOn(Mutiny.Session session, ReactiveAfterTransactionCompletionProcess process) {
        try {
            ReactiveSession reactive = ((MutinySessionImpl) session).unwrap(ReactiveSession.class);
            reactive.getReactiveActionQueue().registerProcess(process);
            return true;
        } catch (RuntimeException | LinkageError e) {
            // another Hibernate Reactive than the one GCache was built with: the invalidation made at the call stands
            if (!warnedUnreachable) {
                warnedUnreachable = true;
                LOG.warnf("GCache cannot reach the completion callbacks of this Hibernate Reactive session (%s): an "
                        + "invalidation inside a reactive transaction that no @WithTransaction method started is made "
                        + "once, before the commit (R24)", e);
            }
            failures.logMessage("could not register an invalidation after a reactive transaction", e);
            return false;
        }
    }

    /**
     * Whether a reactive transaction (of a session or a stateless session, of any persistence unit) is current here;
     * adds the sessions in a transaction to {@code sessions}, if given.
     */
    private boolean inTransaction(List<Mutiny.Session> sessions) {
        if (!VertxContext.isOnDuplicatedContext()) {
            return false; // Hibernate Reactive keeps its current session only in a duplicated context
        }
        boolean found = false;
        for (Mutiny.SessionFactory factory : activeFactories()) {
            try {
                Mutiny.Session session = factory.getCurrentSession();
                if (session != null && session.isOpen() && session.currentTransaction() != null) {
                    found = true;
                    if (sessions != null) {
                        sessions.add(session);
                    }
                }
                Mutiny.StatelessSession stateless = factory.getCurrentStatelessSession();
                found |= stateless != null && stateless.isOpen() && stateless.currentTransaction() != null;
            } catch (IllegalStateException e) {
                // a context that Quarkus does not flag as safe for Hibernate Reactive: it holds no session
            }
        }
        return found;
    }

    private List<Mutiny.SessionFactory> activeFactories() {
        List<Mutiny.SessionFactory> a = active;
        if (a == null) {
            a = new ArrayList<>(1);
            for (InstanceHandle<Mutiny.SessionFactory> handle : factories.handles()) {
                if (handle.getBean().isActive()) {
                    a.add(handle.get());
                }
            }
            active = a = List.copyOf(a);
        }
        return a;
    }

    /** The other {@link AfterCommit} bean ({@link JtaAfterCommit}), named by no type here so JTA stays optional. */
    private AfterCommit jta() {
        AfterCommit j = jta;
        if (j == null) {
            j = AfterCommit.NONE;
            for (Bean<?> bean : beans.getBeans(AfterCommit.class, Any.Literal.INSTANCE)) {
                if (bean.getBeanClass() != HibernateReactiveAfterCommit.class) {
                    j = (AfterCommit) beans.getReference(bean, AfterCommit.class, beans.createCreationalContext(bean));
                }
            }
            jta = j;
        }
        return j;
    }
}
