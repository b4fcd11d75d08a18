package io.quarkiverse.gcache.test.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.invalidation.HibernateReactiveAfterCommit;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * R24 with Hibernate Reactive on PostgreSQL and a private Redis: readers that run after the write's invalidation and
 * flush and before its commit (the transaction's work waits for them) read the old committed row and cache it; once the
 * transaction's {@code Uni} has completed, no layer may serve it. A rollback leaves the cache as if nothing had
 * happened. Every transaction and reader runs on a Vert.x duplicated context of its own, as a request would. Both ways
 * of reference R24 "Hibernate Reactive" are needed: the {@code @WithTransaction} cases go through GCache's boundary
 * interceptor, the transactions begun in code through the session's action queue. Skipped without PostgreSQL
 * ({@link PostgresDatabase}).
 */
@ExtendWith(PostgresDatabase.class)
class ReactiveAfterCommitTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RxProduct.class, RxProducts.class, RxWrites.class,
                    HoldBeforeCommit.class, HoldBeforeCommitInterceptor.class, PrivateRedis.class,
                    PostgresDatabase.class))
            .overrideConfigKey("quarkus.redis.hosts", PrivateRedis.shared().uri())
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.datasource.db-kind", "postgresql")
            .overrideConfigKey("quarkus.datasource.username", PostgresDatabase.USER)
            .overrideConfigKey("quarkus.datasource.reactive.url", PostgresDatabase.reactiveUrl())
            .overrideConfigKey("quarkus.hibernate-orm.schema-management.strategy", "drop-and-create")
            .overrideConfigKey("quarkus.http.test-port", "0");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    RxProducts products;
    @Inject
    RxWrites writes;
    @Inject
    Mutiny.SessionFactory sessions;
    @Inject
    Vertx vertx;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        await().until(() -> runtime.subscriber().isSubscribed());
    }

    /**
     * {@code work} on a new duplicated context (flagged safe for Hibernate Reactive, as Quarkus does for a request);
     * the result comes back on the caller's context, if it has one.
     */
    <T> Uni<T> onNewContext(Supplier<Uni<T>> work) {
        Context caller = Vertx.currentContext();
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                work.get().subscribe().with(result::complete, result::completeExceptionally);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        Uni<T> done = Uni.createFrom().completionStage(result);
        return caller == null ? done : done.emitOn(task -> caller.runOnContext(v -> task.run()));
    }

    /** Runs {@code work} as a request of its own and waits for its {@code Uni} (its failure is thrown as it is). */
    <T> T run(Supplier<Uni<T>> work) {
        try {
            return onNewContext(work).subscribeAsCompletionStage().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cached read in an enabled scope, as a request of its own. */
    Uni<String> cached(Function<Long, Uni<String>> method, long id) {
        return onNewContext(() -> {
            try (GCache.Scope scope = gcache.enable()) {
                return method.apply(id);
            }
        });
    }

    String read(long id) {
        return run(() -> cached(products::name, id));
    }

    String readRemote(long id) {
        return run(() -> cached(products::remoteName, id));
    }

    String readInSession(long id) {
        return run(() -> cached(products::nameInSession, id));
    }

    /** A read as another instance would do it: nothing in this instance's LOCAL. */
    String readAsAnotherInstance(long id) {
        runtime.useCase("RxProduct").localLayer().clear();
        return read(id);
    }

    /**
     * To run inside a transaction before its commit: readers on other contexts read {@code id} through both use cases
     * (LOCAL + REMOTE, and REMOTE only), each with a session of its own; what they got is added to {@code seen}.
     */
    Function<Long, Uni<?>> readersBeforeCommit(List<String> seen) {
        return id -> cached(products::name, id).invoke(seen::add)
                .chain(() -> cached(products::remoteName, id)).invoke(seen::add);
    }

    /**
     * What each layer serves first: this instance (LOCAL + REMOTE), REMOTE only, through a session of its own, and
     * another instance (LOCAL emptied, so last).
     */
    List<String> servedNow(long id) {
        return List.of(read(id), readRemote(id), readInSession(id), readAsAnotherInstance(id));
    }

    /** What every layer serves first, and then again: {@code expected}. */
    void assertEveryLayerServes(long id, String expected, List<String> servedFirst) {
        assertThat(servedFirst).as("LOCAL, REMOTE only, in a session, another instance").containsOnly(expected);
        assertEveryLayerServes(id, expected);
    }

    void assertEveryLayerServes(long id, String expected) {
        for (int i = 0; i < 2; i++) {
            assertThat(read(id)).as("this instance (LOCAL, once filled)").isEqualTo(expected);
            assertThat(readAsAnotherInstance(id)).as("another instance (REMOTE)").isEqualTo(expected);
            assertThat(readRemote(id)).as("REMOTE only").isEqualTo(expected);
            assertThat(readInSession(id)).as("through a session of its own").isEqualTo(expected);
        }
    }

    void cachedAs(long id, String name) {
        run(() -> writes.put(id, name));
        assertThat(read(id)).isEqualTo(name);
        assertThat(readRemote(id)).isEqualTo(name);
        assertThat(readInSession(id)).isEqualTo(name);
    }

    @Test
    void withTransactionOnTheCallerOfAGCacheInvalidateUni() {
        cachedAs(1, "old");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        run(() -> writes.rename(1, "new", readersBeforeCommit(seen)));

        List<String> served = servedNow(1);
        System.out.println("GCACHE R24 HR @WithTransaction caller + @GCacheInvalidate Uni: readers before the commit got "
                + seen + "; once the transaction's Uni completed: " + served);
        assertThat(seen).as("before the commit the committed row is the old one").containsExactly("old", "old");
        assertEveryLayerServes(1, "new", served);
    }

    @Test
    void withTransactionAndGCacheInvalidateOnTheSameMethod() {
        cachedAs(2, "old");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        run(() -> writes.renameInItsOwnTransaction(2, "new", readersBeforeCommit(seen)));

        List<String> served = servedNow(2);
        System.out.println("GCACHE R24 HR @WithTransaction @GCacheInvalidate Uni: readers before the commit got " + seen
                + "; once the transaction's Uni completed: " + served);
        assertThat(seen).containsExactly("old", "old");
        assertEveryLayerServes(2, "new", served);
    }

    @Test
    void invalidateAsyncInPanacheWithTransaction() {
        cachedAs(3, "old");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        run(() -> Panache.withTransaction(() -> RxProduct.<RxProduct> findById(3L)
                .invoke(p -> p.name = "new").call(Panache::flush)
                .call(() -> gcache.invalidateAsync("product_id", "3"))
                .call(() -> readersBeforeCommit(seen).apply(3L))));

        List<String> served = servedNow(3);
        System.out.println("GCACHE R24 HR Panache.withTransaction + gcache.invalidateAsync: readers before the commit got "
                + seen + "; once the transaction's Uni completed: " + served);
        assertThat(seen).containsExactly("old", "old");
        assertEveryLayerServes(3, "new", served);
    }

    @Test
    void invalidateAsyncInSessionFactoryWithTransaction() {
        cachedAs(4, "old");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        run(() -> sessions.withTransaction((session, tx) -> session.find(RxProduct.class, 4L)
                .invoke(p -> p.name = "new").call(session::flush)
                // waited for, so the readers come after the first watermark (gcache.invalidate on an event loop only
                // starts it: the readers could then read before it lands, and the test would show nothing)
                .call(() -> gcache.invalidateAsync("product_id", "4"))
                .call(() -> readersBeforeCommit(seen).apply(4L))));

        List<String> served = servedNow(4);
        System.out.println("GCACHE R24 HR Mutiny.SessionFactory.withTransaction + gcache.invalidateAsync: readers before the "
                + "commit got " + seen + "; once the transaction's Uni completed: " + served);
        assertThat(seen).containsExactly("old", "old");
        assertEveryLayerServes(4, "new", served);
    }

    @Test
    void invalidateAsyncInAStatelessWithTransaction() {
        cachedAs(9, "old");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        run(() -> writes.renameStateless(9, "new", readersBeforeCommit(seen)));

        List<String> served = servedNow(9);
        System.out.println("GCACHE R24 HR @WithTransaction(stateless = true) + gcache.invalidateAsync: readers before the "
                + "commit got " + seen + "; once the transaction's Uni completed: " + served);
        assertThat(seen).containsExactly("old", "old");
        assertEveryLayerServes(9, "new", served);
    }

    @Test
    void aRollbackByMarkForRollbackLeavesTheCacheAsIfNothingHappened() {
        cachedAs(5, "old");

        // read through the cache inside the transaction, from its own uncommitted write: gone with the rollback
        List<String> inside = Collections.synchronizedList(new ArrayList<>());
        run(() -> sessions.withTransaction((session, tx) -> session.find(RxProduct.class, 5L)
                .invoke(p -> p.name = "never committed").call(session::flush)
                .call(() -> gcache.invalidateAsync("product_id", "5"))
                .call(() -> {
                    try (GCache.Scope scope = gcache.enable()) {
                        return products.nameInSession(5).invoke(inside::add);
                    }
                })
                .invoke(tx::markForRollback)));

        List<String> served = servedNow(5);
        System.out.println("GCACHE R24 HR rollback (markForRollback): read inside the transaction " + inside
                + "; after it: " + served);
        assertThat(inside).containsExactly("never committed");
        assertEveryLayerServes(5, "old", served);
    }

    @Test
    void aFailedTransactionLeavesTheCacheAsIfNothingHappened() {
        cachedAs(6, "old");
        assertThatThrownBy(() -> run(() -> writes.renameAndFail(6, "never committed", id -> Uni.createFrom().voidItem())))
                .hasMessage("the write fails");
        assertEveryLayerServes(6, "old");

        cachedAs(7, "old");
        List<String> inside = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> run(() -> writes.renameAndFail(7, "never committed", id -> {
            try (GCache.Scope scope = gcache.enable()) {
                return products.nameInSession(id).invoke(inside::add);
            }
        }))).hasMessage("the write fails");

        List<String> served = servedNow(7);
        System.out.println("GCACHE R24 HR rollback (failure): read inside the failed transaction " + inside
                + "; after it: " + served);
        assertThat(inside).containsExactly("never committed");
        assertEveryLayerServes(7, "old", served);
    }

    @Test
    void withoutATransactionNothingChanges() {
        cachedAs(8, "old");
        run(() -> writes.put(8, "new"));
        assertThat(read(8)).as("cached").isEqualTo("old");
        assertThat(gcache.invalidate("product_id", "8")).isTrue();
        assertEveryLayerServes(8, "new");
    }

    /**
     * With JTA too (Narayana is on this module's class path), the reactive {@code AfterCommit} is selected and a JTA
     * transaction is still covered: it delegates to the JTA one.
     */
    @Test
    void jtaNextToHibernateReactiveIsStillCovered() {
        assertThat(runtime.afterCommit()).isInstanceOf(HibernateReactiveAfterCommit.class);
        assertThat(runtime.afterCommit().register(() -> {
        })).as("outside any transaction").isFalse();

        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        boolean[] registered = new boolean[1];
        QuarkusTransaction.requiringNew().run(() -> {
            registered[0] = runtime.afterCommit().register(() -> ran.add("after completion"));
            assertThat(ran).as("not before the commit").isEmpty();
        });
        assertThat(registered[0]).isTrue();
        assertThat(ran).containsExactly("after completion");
    }
}
