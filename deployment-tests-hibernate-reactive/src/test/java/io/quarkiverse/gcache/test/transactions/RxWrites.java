package io.quarkiverse.gcache.test.transactions;

import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The transactions: {@code @WithTransaction} methods. {@code beforeCommit} runs inside the transaction after the
 * invalidation has been made and the rename flushed, and the commit waits for its {@code Uni}.
 */
@Singleton
public class RxWrites {

    @Inject
    RxProducts products;
    @Inject
    Mutiny.SessionFactory sessions;
    @Inject
    GCache gcache;

    @WithTransaction
    public Uni<Void> put(long id, String name) {
        return RxProduct.<RxProduct> findById(id).chain(p -> {
            if (p == null) {
                return new RxProduct(id, name).persist().replaceWithVoid();
            }
            p.name = name;
            return Uni.createFrom().voidItem();
        });
    }

    /** {@code @WithTransaction} on the caller, {@code @GCacheInvalidate} on the method it calls. */
    @WithTransaction
    public Uni<Void> rename(long id, String name, Function<Long, Uni<?>> beforeCommit) {
        return products.rename(id, name).call(() -> beforeCommit.apply(id));
    }

    /**
     * Both on the same method. {@link HoldBeforeCommit}'s interceptor runs between them: after the invalidation (made
     * when the method's {@code Uni} completes), before the flush and the commit.
     */
    @WithTransaction
    @HoldBeforeCommit
    @GCacheInvalidate(keyType = "product_id", id = "id")
    public Uni<Void> renameInItsOwnTransaction(long id, String name, Function<Long, Uni<?>> beforeCommit) {
        return RxProduct.<RxProduct> findById(id).invoke(p -> p.name = name).call(Panache::flush).replaceWithVoid();
    }

    /**
     * In a stateless session's transaction (no completion callbacks of Hibernate Reactive): {@code gcache.invalidateAsync}
     * after the update.
     */
    @WithTransaction(stateless = true)
    public Uni<Void> renameStateless(long id, String name, Function<Long, Uni<?>> beforeCommit) {
        Mutiny.StatelessSession session = sessions.getCurrentStatelessSession();
        return session.get(RxProduct.class, id)
                .call(p -> {
                    p.name = name;
                    return session.update(p);
                })
                .call(() -> gcache.invalidateAsync("product_id", String.valueOf(id)))
                .call(() -> beforeCommit.apply(id)).replaceWithVoid();
    }

    /** A write that fails after it flushed (and, within the transaction, read the entity through the cache). */
    @WithTransaction
    public Uni<Void> renameAndFail(long id, String name, Function<Long, Uni<?>> inTransaction) {
        return products.rename(id, name).call(() -> inTransaction.apply(id))
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("the write fails")));
    }
}
