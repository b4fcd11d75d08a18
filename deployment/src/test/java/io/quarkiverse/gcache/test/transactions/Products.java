package io.quarkiverse.gcache.test.transactions;

import java.util.function.Consumer;

import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;

/** Products in H2 through Hibernate ORM: cached reads, transactional invalidating writes. */
@Singleton
public class Products {

    @Inject
    EntityManager em;

    /** Reads in the caller's transaction if there is one, else outside any (as Panache reads can). */
    @GCached(keyType = "product_id", id = "id", useCase = "TxProduct", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    @ActivateRequestContext
    public String name(long id) {
        Product p = em.find(Product.class, id);
        return p == null ? null : p.name;
    }

    /** REMOTE only: what another instance, whose LOCAL is empty, is served. */
    @GCached(keyType = "product_id", id = "id", useCase = "TxProductRemote", localRamp = 0, remoteTtl = "10m", remoteRamp = 100)
    @ActivateRequestContext
    public String remoteName(long id) {
        Product p = em.find(Product.class, id);
        return p == null ? null : p.name;
    }

    /** The common service shape: a cached read that is also {@code @Transactional}. */
    @GCached(keyType = "product_id", id = "id", useCase = "TxProductInTransaction", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    @Transactional
    public String nameInTransaction(long id) {
        Product p = em.find(Product.class, id);
        return p == null ? null : p.name;
    }

    @Transactional
    public void put(long id, String name) {
        Product p = em.find(Product.class, id);
        if (p == null) {
            em.persist(new Product(id, name));
        } else {
            p.name = name;
        }
    }

    /**
     * The common write: {@code @Transactional} outside, {@code @GCacheInvalidate} inside. {@code beforeCommit} runs
     * after the method has returned (and its invalidation has been made) and before the commit.
     */
    @Transactional
    @GCacheInvalidate(keyType = "product_id", id = "id")
    public void rename(long id, String name, Consumer<Long> inTransaction) {
        em.find(Product.class, id).name = name;
        em.flush();
        inTransaction.accept(id);
    }

    /** A write that fails after it flushed (and, within the transaction, read the entity through the cache). */
    @Transactional
    @GCacheInvalidate(keyType = "product_id", id = "id")
    public void renameAndFail(long id, String name, Consumer<Long> inTransaction) {
        em.find(Product.class, id).name = name;
        em.flush();
        inTransaction.accept(id);
        throw new IllegalStateException("the write fails");
    }
}
