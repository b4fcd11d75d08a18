package io.quarkiverse.gcache.test.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R24 with Hibernate ORM on H2 and a private Redis: a reader that runs between the write's flush and its commit (held
 * there by a synchronization of the writing transaction) reads the old committed row and caches it; once the commit
 * has returned, no layer may serve it. A rollback leaves the cache as if nothing had happened.
 */
class AfterCommitTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Product.class, Products.class)
            .overrideConfigKey("quarkus.datasource.db-kind", "h2")
            .overrideConfigKey("quarkus.datasource.jdbc.url", "jdbc:h2:mem:gcache-tx;DB_CLOSE_DELAY=-1")
            .overrideConfigKey("quarkus.hibernate-orm.schema-management.strategy", "drop-and-create")
            .overrideConfigKey("quarkus.http.test-port", "0");

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final ExecutorService READERS = Executors.newCachedThreadPool();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Products products;
    @Inject
    TransactionManager tm;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        await().until(() -> runtime.subscriber().isSubscribed());
    }

    @AfterAll
    static void stopReaders() {
        READERS.shutdownNow();
    }

    String read(long id) {
        try (GCache.Scope scope = gcache.enable()) {
            return products.name(id);
        }
    }

    String readRemote(long id) {
        try (GCache.Scope scope = gcache.enable()) {
            return products.remoteName(id);
        }
    }

    /** A read as another instance would do it: nothing in this instance's LOCAL. */
    String readAsAnotherInstance(long id) {
        runtime.useCase("TxProduct").localLayer().clear();
        return read(id);
    }

    /**
     * Registers, in the calling thread's transaction, a synchronization that holds the commit until readers on other
     * threads have read {@code id} through both use cases (LOCAL + REMOTE, and REMOTE only); what they got is added to
     * {@code seen}.
     */
    Consumer<Long> readersBeforeCommit(List<String> seen) {
        return id -> {
            try {
                tm.getTransaction().registerSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                        try {
                            seen.add(CompletableFuture.supplyAsync(() -> read(id), READERS).get(10, TimeUnit.SECONDS));
                            seen.add(CompletableFuture.supplyAsync(() -> readRemote(id), READERS).get(10,
                                    TimeUnit.SECONDS));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public void afterCompletion(int status) {
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    void assertEveryLayerServes(long id, String expected) {
        for (int i = 0; i < 2; i++) {
            assertThat(read(id)).as("this instance (LOCAL, once filled)").isEqualTo(expected);
            assertThat(readAsAnotherInstance(id)).as("another instance (REMOTE)").isEqualTo(expected);
            assertThat(readRemote(id)).as("REMOTE only").isEqualTo(expected);
        }
    }

    @Test
    void aReadBetweenFlushAndCommitLeavesNoOldRowCached() {
        products.put(1, "old");
        assertThat(read(1)).isEqualTo("old");
        assertThat(readRemote(1)).isEqualTo("old");

        List<String> seen = new ArrayList<>();
        products.rename(1, "new", readersBeforeCommit(seen));

        System.out.println("GCACHE R24 @Transactional @GCacheInvalidate: readers before the commit got " + seen
                + "; after it: " + read(1) + ", " + readAsAnotherInstance(1) + ", " + readRemote(1));
        assertThat(seen).as("before the commit the committed row is the old one").containsExactly("old", "old");
        assertEveryLayerServes(1, "new");
    }

    @Test
    void aProgrammaticInvalidationInAQuarkusTransactionIsMadeAfterTheCommit() {
        products.put(2, "old");
        assertThat(read(2)).isEqualTo("old");
        assertThat(readRemote(2)).isEqualTo("old");

        List<String> seen = new ArrayList<>();
        boolean[] written = new boolean[1];
        QuarkusTransaction.requiringNew().run(() -> {
            products.put(2, "new"); // joins this transaction
            written[0] = gcache.invalidate("product_id", "2");
            readersBeforeCommit(seen).accept(2L);
        });

        System.out.println("GCACHE R24 QuarkusTransaction + gcache.invalidate: readers before the commit got " + seen);
        assertThat(written[0]).as("the watermark written at the call reached Redis").isTrue();
        assertThat(seen).containsExactly("old", "old");
        assertEveryLayerServes(2, "new");
    }

    @Test
    void aRollbackLeavesTheCacheAsIfNothingHappened() throws SystemException {
        // cached before the write: still the right value after the rollback
        products.put(3, "old");
        assertThat(read(3)).isEqualTo("old");
        assertThatThrownBy(() -> products.renameAndFail(3, "never committed", id -> {
        })).hasMessage("the write fails");
        assertEveryLayerServes(3, "old");

        // read through the cache inside the failing transaction, from its own uncommitted write: gone with the rollback
        products.put(4, "old");
        List<String> inside = new ArrayList<>();
        assertThatThrownBy(() -> products.renameAndFail(4, "never committed", id -> {
            inside.add(read(id));
            inside.add(readRemote(id));
        })).hasMessage("the write fails");
        System.out.println("GCACHE R24 rollback: read inside the failed transaction " + inside + "; after it: "
                + read(4) + ", " + readAsAnotherInstance(4) + ", " + readRemote(4));
        assertThat(inside).containsExactly("never committed", "never committed");
        assertEveryLayerServes(4, "old");
        assertThat(tm.getTransaction()).isNull();
    }

    /**
     * A {@code @Transactional @GCached} method: GCache's Redis callbacks run on Vert.x threads, and must not take the
     * transaction there (resumed on an event loop while its thread commits, it made the commit fail: "Enlisted
     * connection used without active transaction").
     */
    @Test
    void aCachedReadInsideItsOwnTransactionCommits() {
        for (int i = 0; i < 30; i++) {
            products.put(6, "v" + i);
            gcache.invalidate("product_id", "6");
            try (GCache.Scope scope = gcache.enable()) {
                assertThat(products.nameInTransaction(6)).isEqualTo("v" + i); // a miss: REMOTE read, method, store
                assertThat(products.nameInTransaction(6)).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void withoutATransactionNothingChanges() {
        products.put(5, "old");
        assertThat(read(5)).isEqualTo("old");
        products.put(5, "new");
        assertThat(read(5)).as("cached").isEqualTo("old");
        assertThat(gcache.invalidate("product_id", "5")).isTrue();
        assertEveryLayerServes(5, "new");
    }
}
