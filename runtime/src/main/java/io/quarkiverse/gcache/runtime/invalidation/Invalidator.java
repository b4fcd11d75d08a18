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
import io.quarkiverse.gcache.runtime.keys.Urns;
import io.quarkiverse.gcache.runtime.layers.RemoteBreaker;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.quarkiverse.gcache.runtime.metrics.InvalidationStats;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Entity invalidation across layers and instances (R6–R8).
 * <ol>
 * <li>LOCAL here, at once: the entity's entries are dropped and the invalidation logged, so a computation already
 * under way cannot put an old value back (R6a).</li>
 * <li>REMOTE: the watermark {@code {urn:<keyType>:<id>}#watermark} is set to the Redis server's time plus the
 * buffer, with a TTL longer than any tracked REMOTE value (R7); the same script publishes the invalidation.</li>
 * <li>LOCAL elsewhere: every other instance applies the published message (see {@link InvalidationSubscriber}).</li>
 * </ol>
 * A watermark that cannot be written waits in the {@link InvalidationOutbox} and is retried until written (R18).
 */
public final class Invalidator {

    /** How often the outbox is retried while it is not empty. */
    static final long RETRY_MILLIS = 500;
    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    private final String prefix;
    private final Map<String, List<InvalidatedUseCase>> byKeyType;
    private final Map<String, String> keyTypesByEscaped;
    private final Collection<? extends InvalidatedUseCase> useCases;
    private final RemoteLayer remote;
    private final InvalidationLog log;
    private final InvalidationOutbox outbox = new InvalidationOutbox(InvalidationOutbox.DEFAULT_CAPACITY, System::nanoTime);
    private final InvalidationGap gap;
    private final OutboxRetries retries = new OutboxRetries(outbox, this::retry, System::nanoTime);
    private final FailureLog writeFailures = new FailureLog("invalidation");
    private final FailureLog dropped = new FailureLog("invalidation outbox");
    private final InvalidationStats stats;
    private final String instanceId = UUID.randomUUID().toString();
    private final String channel;
    private final long minWatermarkTtlMillis;

    public Invalidator(String prefix, Collection<? extends InvalidatedUseCase> useCases, RemoteLayer remote,
            InvalidationLog log,
            Duration minWatermarkTtl) {
        this.minWatermarkTtlMillis = minWatermarkTtl.toMillis();
        this.prefix = prefix;
        this.useCases = useCases;
        this.byKeyType = useCases.stream().collect(Collectors.groupingBy(InvalidatedUseCase::keyType));
        this.keyTypesByEscaped = byKeyType.keySet().stream().collect(Collectors.toMap(Urns::escape, k -> k));
        this.remote = remote;
        this.log = log;
        this.gap = new InvalidationGap(remote != null);
        this.stats = new InvalidationStats(byKeyType.keySet());
        this.channel = "gcache:invalidations:" + prefix;
    }

    public InvalidationStats stats() {
        return stats;
    }

    public String channel() {
        return channel;
    }

    /** Redis Cluster: the broadcast uses sharded pub/sub (reference rule R19). */
    public boolean sharded() {
        return remote != null && remote.sharded();
    }

    public InvalidationOutbox outbox() {
        return outbox;
    }

    public InvalidationGap gap() {
        return gap;
    }

    /**
     * Invalidates LOCAL at once; the returned {@code Uni} writes the watermark and fails when Redis could not, in
     * which case the invalidation waits in the outbox and is retried (R18). With the REMOTE breaker open it fails
     * at once, without trying.
     */
    public Uni<Void> invalidate(String keyType, String id, Duration futureBuffer) {
        long bufferMillis = futureBuffer == null ? 0 : Math.max(0, futureBuffer.toMillis());
        String entity = Urns.entity(prefix, keyType, id);
        applyLocal(keyType, entity, bufferMillis);
        if (remote == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> {
            RemoteBreaker.Permit permit = remote.breaker().tryAcquire();
            if (permit == null) {
                Throwable down = new IllegalStateException("Redis is unavailable (REMOTE breaker open)");
                pend(keyType, entity, bufferMillis, down);
                return Uni.createFrom().failure(down);
            }
            return RemoteLayer.reported(permit, writeWatermark(keyType, entity, bufferMillis))
                    .onFailure().invoke(t -> pend(keyType, entity, bufferMillis, t))
                    .onCancellation().invoke(() -> pend(keyType, entity, bufferMillis,
                            new IllegalStateException("the write was cancelled")))
                    // A read of this instance that reached Redis before the watermark may have trusted the old
                    // value and put it in LOCAL after the first drop: drop again once the write is over (R6a).
                    .onTermination().invoke(() -> dropLocal(keyType, entity, bufferMillis));
        });
    }

    private Uni<Void> writeWatermark(String keyType, String entity, long bufferMillis) {
        String key = entity + "#" + Urns.WATERMARK;
        String message = instanceId + "|" + bufferMillis + "|" + keyType + "|" + entity;
        return remote.writeWatermark(key, bufferMillis, watermarkTtlMillis() + bufferMillis, channel, message)
                .invoke(() -> stats.invalidated(keyType, CacheLayer.REMOTE))
                .replaceWithVoid();
    }

    private void pend(String keyType, String entity, long bufferMillis, Throwable failure) {
        stats.writeFailed(keyType);
        if (outbox.add(keyType, entity, bufferMillis)) {
            writeFailures.logMessage("could not write the watermark of " + entity + "; it is kept and retried ("
                    + outbox.size() + " waiting)", failure);
        } else {
            dropped.logMessage("the outbox is full (" + outbox.size() + " entities); the invalidation of " + entity
                    + " could not be kept for REMOTE, whose values of it may be served until they expire", failure);
        }
    }

    /** Retries the outbox every {@value #RETRY_MILLIS} ms while it is not empty. */
    public long startRetries(Vertx vertx) {
        return vertx.setPeriodic(RETRY_MILLIS, id -> retryOutbox());
    }

    /** One retry round: every waiting entity on its own, none waiting for another (R33; {@link OutboxRetries}). */
    void retryOutbox() {
        if (outbox.size() > 0) {
            retries.round(TimeUnit.MILLISECONDS.toNanos(watermarkTtlMillis()));
        }
    }

    private Uni<Void> retry(InvalidationOutbox.Pending p) {
        return writeWatermark(p.keyType(), p.entity(), p.bufferMillis()).invoke(() -> {
            // As after a first write: a read of this instance whose MGET reached Redis before the watermark may have
            // trusted the old value and put it in LOCAL; drop again and log the invalidation, so a computation that
            // began before this write cannot fill LOCAL (R6a). Before the entry goes: meanwhile it keeps REMOTE out.
            dropLocal(p.keyType(), p.entity(), p.bufferMillis());
            outbox.written(p);
        });
    }

    /**
     * At a graceful shutdown (R33): the invalidations still waiting get one last try, within {@code budget}; what is
     * left is logged with its entities (key type, id, watermark key), so that an operator can replay it. On an event
     * loop the try is started but not waited for, and what waits at that moment is logged.
     */
    public void shutdown(Duration budget) {
        if (remote == null || outbox.size() == 0) {
            return;
        }
        int waiting = outbox.size();
        LOG.infof("GCache is shutting down with %d invalidation(s) whose watermark is not written yet; it tries them "
                + "once more (at most %d ms)", waiting, budget.toMillis());
        Uni<Void> lastTry = retries.lastTry(budget);
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            lastTry.subscribe().with(ok -> {
            }, failure -> {
            });
        } else {
            try {
                lastTry.await().atMost(budget.plusSeconds(1));
            } catch (RuntimeException e) {
                // bounded above; what is left is reported below
            }
        }
        List<InvalidationOutbox.Pending> left = outbox.snapshot();
        if (left.isEmpty()) {
            LOG.infof("GCache wrote the %d waiting invalidation(s) before shutting down", waiting);
            return;
        }
        left.sort((a, b) -> Long.compare(a.sinceNanos - b.sinceNanos, 0));
        StringBuilder entities = new StringBuilder();
        for (InvalidationOutbox.Pending p : left) {
            entities.append(System.lineSeparator()).append("  ").append(p);
        }
        LOG.warnf("GCache shuts down with %d of %d invalidation(s) not written to Redis: REMOTE values of these entities "
                + "may be served by other instances until they expire. Replay them once Redis is reachable "
                + "(GCache.invalidate(keyType, id), or write the watermark key with the current epoch milliseconds):%s",
                left.size(), waiting, entities);
    }

    /** Applies an invalidation published by an instance; its own messages were applied when sent. */
    public void onMessage(String message) {
        String[] parts = message.split("\\|", 3);
        if (parts.length != 3 || parts[0].equals(instanceId)) {
            return;
        }
        // "<keyType>|<entity>": a key type may contain '|' but never a raw '{' (R5), and the entity starts with one
        int split = parts[2].indexOf("|{");
        if (split < 0) {
            throw new IllegalArgumentException("no entity in " + message);
        }
        applyLocal(parts[2].substring(0, split), parts[2].substring(split + 1), Long.parseLong(parts[1]));
    }

    /**
     * A watermark key was written by some writer (keyspace notification, {@code invalidation.watch-watermarks}):
     * Python gcache publishes nothing when it invalidates, so this is how its invalidations reach LOCAL (R17). Keys
     * of another prefix are ignored; this instance's own watermarks arrive here too and only repeat what was done.
     */
    public void onWatermarkWritten(String key) {
        String suffix = "}#" + Urns.WATERMARK;
        String start = "{" + prefix + ":";
        if (!key.startsWith(start) || !key.endsWith(suffix)) {
            return;
        }
        String entity = key.substring(0, key.length() - suffix.length() + 1);
        int colon = entity.indexOf(':', start.length());
        if (colon < 0) {
            return;
        }
        String keyType = keyTypesByEscaped.get(entity.substring(start.length(), colon));
        if (keyType != null) {
            applyLocal(keyType, entity, 0);
        }
    }

    /** The keyspace-notification pattern of this prefix's watermark keys, for {@code PSUBSCRIBE}. */
    public String watermarkPattern() {
        return "__keyspace@*__:{" + RemoteLayer.globEscape(prefix) + ":*}#" + Urns.WATERMARK;
    }

    /**
     * The subscription is lost (R8a): LOCAL of tracked use cases is off until {@link #subscribed()}, and every
     * value computed until now is stale, including those of computations still running.
     */
    void lost() {
        gap.open();
        dropTrackedLocal();
    }

    /**
     * Subscribed (again): invalidations reach this instance from now on. What was missed while they could not is
     * covered by dropping every tracked LOCAL value computed until now; then LOCAL is used again.
     */
    void subscribed() {
        dropTrackedLocal();
        gap.close();
        stats.resynced();
    }

    /** {@code flushAll()} on this instance: every value computed until now is stale; LOCAL is emptied by the caller. */
    public void flushed() {
        log.invalidateEverything();
    }

    private void dropTrackedLocal() {
        log.invalidateAll();
        for (InvalidatedUseCase uc : useCases) {
            if (uc.keys().tracked()) {
                uc.localLayer().clear();
            }
        }
    }

    private void applyLocal(String keyType, String entity, long bufferMillis) {
        dropLocal(keyType, entity, bufferMillis);
        stats.invalidated(keyType, CacheLayer.LOCAL);
    }

    private void dropLocal(String keyType, String entity, long bufferMillis) {
        // LOCAL knows entities by key type and escaped id: "{<prefix>:<keyType>:<id>}" -> "<id>"
        String head = "{" + prefix + ":" + Urns.escape(keyType) + ":";
        if (!entity.startsWith(head) || !entity.endsWith("}")) {
            throw new IllegalArgumentException("not an entity of key type " + keyType + ": " + entity);
        }
        String id = entity.substring(head.length(), entity.length() - 1);
        log.record(keyType, id, TimeUnit.MILLISECONDS.toNanos(bufferMillis));
        for (InvalidatedUseCase uc : byKeyType.getOrDefault(keyType, List.of())) {
            uc.localLayer().invalidateEntity(id);
        }
    }

    /**
     * R7, R17: the watermark outlives every tracked REMOTE value, configured or seen in use, and lives at least
     * {@code invalidation.min-watermark-ttl}.
     */
    public long watermarkTtlMillis() {
        long max = 0;
        for (InvalidatedUseCase uc : useCases) {
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
        // Values of other instances or of Python gcache may have TTLs this instance does not know (R17).
        return Math.max(max, minWatermarkTtlMillis);
    }
}
