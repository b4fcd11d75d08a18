package io.quarkiverse.gcache.runtime.invalidation;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.InvalidationStats;
import io.smallrye.mutiny.Uni;

/**
 * Entity invalidation across layers and instances (R6–R8).
 * <ol>
 * <li>LOCAL here, at once: the entity's entries are dropped and the invalidation logged, so a computation already
 * under way cannot put an old value back (R6a).</li>
 * <li>REMOTE: the watermark {@code {urn:<keyType>:<id>}#watermark} is set to the Redis server's time plus the
 * buffer, with a TTL longer than any tracked REMOTE value (R7); the same script publishes the invalidation.</li>
 * <li>LOCAL elsewhere: every other instance applies the published message (see {@link InvalidationSubscriber}).</li>
 * </ol>
 */
public final class Invalidator {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    private final String prefix;
    private final Map<String, List<UseCase>> byKeyType;
    private final Collection<UseCase> useCases;
    private final RemoteLayer remote;
    private final InvalidationLog log;
    private final InvalidationStats stats;
    private final String instanceId = UUID.randomUUID().toString();
    private final String channel;

    public Invalidator(String prefix, Collection<UseCase> useCases, RemoteLayer remote, InvalidationLog log) {
        this.prefix = prefix;
        this.useCases = useCases;
        this.byKeyType = useCases.stream().collect(Collectors.groupingBy(UseCase::keyType));
        this.remote = remote;
        this.log = log;
        this.stats = new InvalidationStats(byKeyType.keySet());
        this.channel = "gcache:invalidations:" + prefix;
    }

    public InvalidationStats stats() {
        return stats;
    }

    public String channel() {
        return channel;
    }

    /** Invalidates LOCAL at once; the returned {@code Uni} writes the watermark and fails when Redis could not. */
    public Uni<Void> invalidate(String keyType, String id, Duration futureBuffer) {
        long bufferMillis = futureBuffer == null ? 0 : Math.max(0, futureBuffer.toMillis());
        String entity = Urns.entity(prefix, keyType, id);
        applyLocal(keyType, entity, bufferMillis);
        if (remote == null) {
            return Uni.createFrom().voidItem();
        }
        String key = entity + "#" + Urns.WATERMARK;
        String message = instanceId + "|" + bufferMillis + "|" + keyType + "|" + entity;
        return Uni.createFrom().deferred(() -> remote.writeWatermark(key, bufferMillis, watermarkTtlMillis() + bufferMillis,
                channel, message))
                .invoke(() -> stats.invalidated(keyType, CacheLayer.REMOTE))
                .onFailure().invoke(t -> LOG.warnf("GCache could not write the watermark %s: %s", key, t))
                .replaceWithVoid();
    }

    /** Applies an invalidation published by an instance; its own messages were applied when sent. */
    public void onMessage(String message) {
        String[] parts = message.split("\\|", 4);
        if (parts.length != 4 || parts[0].equals(instanceId)) {
            return;
        }
        applyLocal(parts[2], parts[3], Long.parseLong(parts[1]));
    }

    /** After a gap in the subscription this instance may have missed invalidations: drop what they could cover. */
    public void resync() {
        for (UseCase uc : useCases) {
            if (uc.keys().tracked()) {
                uc.localLayer().clear();
            }
        }
        stats.resynced();
    }

    private void applyLocal(String keyType, String entity, long bufferMillis) {
        log.record(entity, TimeUnit.MILLISECONDS.toNanos(bufferMillis));
        for (UseCase uc : byKeyType.getOrDefault(keyType, List.of())) {
            uc.localLayer().invalidateEntity(entity);
        }
        stats.invalidated(keyType, CacheLayer.LOCAL);
    }

    /** R7: the watermark outlives every tracked REMOTE value, configured or seen in use. */
    private long watermarkTtlMillis() {
        long max = 0;
        for (UseCase uc : useCases) {
            if (uc.keys().tracked()) {
                for (Duration ttl : new Duration[] { uc.policy(CacheLayer.REMOTE).staticTtl(),
                        uc.policy(CacheLayer.REMOTE).overrideTtl() }) {
                    if (ttl != null) {
                        max = Math.max(max, ttl.toMillis());
                    }
                }
                max = Math.max(max, TimeUnit.NANOSECONDS.toMillis(uc.policy(CacheLayer.REMOTE).largestTtlUsed()));
            }
        }
        // No tracked REMOTE TTL anywhere: values of other instances or of Python gcache may still exist; keep the
        // watermark for as long as LOCAL can hold a value, and at least a minute.
        return Math.max(max, TimeUnit.MINUTES.toMillis(1));
    }
}
