package io.quarkiverse.gcache.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheKey;
import io.quarkiverse.gcache.runtime.invoke.Blocking;
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.smallrye.mutiny.Uni;

/** The {@link GCache} bean. */
@Singleton
public class DefaultGCache implements GCache {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    @Inject
    GCacheRuntime runtime;

    @Override
    public Scope enable() {
        return EnableScopes.open(true);
    }

    @Override
    public Scope disable() {
        return EnableScopes.open(false);
    }

    @Override
    public GCacheControl control() {
        return runtime.control();
    }

    @Override
    public boolean isEnabled() {
        return EnableScopes.isEnabled();
    }

    @Override
    public boolean invalidate(String keyType, String id) {
        return invalidate(keyType, id, Duration.ZERO);
    }

    @Override
    public boolean invalidate(String keyType, String id, Duration futureBuffer) {
        Objects.requireNonNull(keyType, "keyType");
        // R24: the Redis callbacks must not carry the caller's transaction (AfterCommit#outsideTransaction)
        return runtime.afterCommit().outsideTransaction(() -> {
            Uni<Void> remote = invalidateAsync(keyType, id, futureBuffer);
            if (runtime.remote() == null) {
                return true; // LOCAL only: done
            }
            try {
                // false on an event loop: the write still happens; invalidateAsync tells its outcome
                return Blocking.awaitUnlessEventLoop(remote, null);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Override
    public Uni<Void> invalidateAsync(String keyType, String id) {
        return invalidateAsync(keyType, id, Duration.ZERO);
    }

    @Override
    public Uni<Void> invalidateAsync(String keyType, String id, Duration futureBuffer) {
        Objects.requireNonNull(keyType, "keyType");
        // a null id is the entity "null", as @GCached and @GCacheInvalidate key a null id (KeyValues)
        String entityId = id == null ? "null" : id;
        EnableScopes.recordWrite(EnableScopes.current(), keyType, entityId); // R34: read your writes
        // R24: inside a transaction, again once it has completed (reads until the commit see the old rows)
        runtime.afterCommit().again(() -> runtime.invalidator().invalidate(keyType, entityId, futureBuffer));
        // Eager: the watermark write starts now, whether or not the caller subscribes; the Uni reports its outcome to
        // every subscriber without writing again.
        // Built and started outside the caller's transaction (R24: its Redis callbacks must not carry it).
        return runtime.afterCommit().outsideTransaction(() -> {
            Uni<Void> write = runtime.invalidator().invalidate(keyType, entityId, futureBuffer).memoize().indefinitely();
            write.subscribe().with(ok -> {
            }, failure -> {
                // reported to the caller's subscribers; the invalidation waits in the outbox (R18)
            });
            return write;
        });
    }

    @Override
    public void flushAll() {
        runtime.invalidator().flushed();
        for (UseCase uc : runtime.useCases()) {
            uc.localLayer().clear();
        }
        RemoteLayer remote = runtime.remote();
        if (remote != null) {
            List<String> patterns = new ArrayList<>();
            String prefix = RemoteLayer.globEscape(runtime.urnPrefix());
            patterns.add(prefix + ":*");
            patterns.add("{" + prefix + ":*");
            // watermarks last, so no value they make stale is trusted again while the flush runs (R15)
            Uni<Void> deleted = remote.deleteMatching(patterns, "{" + prefix + ":*}#" + Urns.WATERMARK)
                    .onFailure().invoke(t -> LOG.warnf("GCache could not flush Redis (LOCAL was flushed): %s", t));
            try {
                Blocking.awaitUnlessEventLoop(deleted, null);
            } catch (RuntimeException e) {
                // logged above; flushAll never throws
            }
        }
    }

    @Override
    public boolean delete(GCacheKey key) {
        if (Urns.WATERMARK.equals(key.useCase())) {
            // deleting a watermark would undo an invalidation (R6): only invalidate() writes them
            throw new IllegalArgumentException("'" + Urns.WATERMARK + "' is not a use case: watermarks are not values, "
                    + "and deleting one would undo an invalidation; use invalidate(keyType, id)");
        }
        UseCase uc = runtime.useCase(key.useCase());
        boolean tracked = uc == null || uc.keys().tracked();
        String urn = key.urn(runtime.urnPrefix(), tracked);
        boolean removed = false;
        String localKey = uc == null ? null : uc.keys().localKeyOf(urn);
        if (localKey != null) {
            removed = uc.localLayer().remove(localKey);
        }
        RemoteLayer remote = runtime.remote();
        if (remote != null) {
            AtomicBoolean deleted = new AtomicBoolean();
            Uni<Long> delete = remote.delete(urn).invoke(n -> deleted.set(n > 0));
            try {
                // on an event loop the DEL is sent and not waited for (R12): the result then tells LOCAL only
                Blocking.awaitUnlessEventLoop(delete, t -> LOG.warnf("GCache could not delete %s from Redis: %s", urn, t));
                removed |= deleted.get();
            } catch (RuntimeException e) {
                LOG.warnf("GCache could not delete %s from Redis: %s", urn, e);
            }
        }
        return removed;
    }
}
