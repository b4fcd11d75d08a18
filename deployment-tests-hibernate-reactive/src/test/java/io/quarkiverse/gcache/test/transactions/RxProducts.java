package io.quarkiverse.gcache.test.transactions;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Products in PostgreSQL through Hibernate Reactive: cached reads, an invalidating write that joins the caller's. */
@Singleton
public class RxProducts {

    @Inject
    Mutiny.SessionFactory sessions;

    /** Reads the committed row with a session (and connection) of its own, whatever the caller's context holds. */
    @GCached(keyType = "product_id", id = "id", useCase = "RxProduct", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    public Uni<String> name(long id) {
        return committedName(id);
    }

    /** REMOTE only: what another instance, whose LOCAL is empty, is served. */
    @GCached(keyType = "product_id", id = "id", useCase = "RxProductRemote", localRamp = 0, remoteTtl = "10m", remoteRamp = 100)
    public Uni<String> remoteName(long id) {
        return committedName(id);
    }

    /** Panache's usual read: through the caller's session, so inside a transaction it sees the transaction's writes. */
    @WithSession
    @GCached(keyType = "product_id", id = "id", useCase = "RxProductInSession", localTtl = "5m", localRamp = 100, remoteTtl = "10m", remoteRamp = 100)
    public Uni<String> nameInSession(long id) {
        return RxProduct.<RxProduct> findById(id).map(p -> p == null ? null : p.name);
    }

    /** The usual reactive write: {@code @GCacheInvalidate} on a {@code Uni} method, in the caller's transaction. */
    @GCacheInvalidate(keyType = "product_id", id = "id")
    public Uni<Void> rename(long id, String name) {
        return RxProduct.<RxProduct> findById(id).invoke(p -> p.name = name).call(Panache::flush).replaceWithVoid();
    }

    private Uni<String> committedName(long id) {
        return sessions.openStatelessSession().chain(s -> s.get(RxProduct.class, id)
                .map(p -> p == null ? null : p.name)
                .eventually(s::close));
    }
}
