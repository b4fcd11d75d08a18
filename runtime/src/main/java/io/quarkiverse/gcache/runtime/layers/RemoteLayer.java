package io.quarkiverse.gcache.runtime.layers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The REMOTE layer: Redis through the Quarkus (Vert.x, Mutiny) client, shared by all use cases.
 * <p>
 * Every operation is non-blocking and bounded by {@code remote.timeout}; callers of sync methods wait for it with
 * the same bound. A read is one round trip: {@code MGET} of the value and its entity's watermark (one slot on Redis
 * Cluster: they share the hash tag), pipelined with {@code TIME} when this instance's last sample of the server's
 * clock is over a second old, so every instance stamps values with the server's clock (R6, R6a; {@link ServerClock}).
 * On Redis Cluster every read still asks for {@code TIME}: the pipeline goes to the key's node, the node that writes
 * the entity's watermark, and each node has its own clock. A failed operation drops the sample, so that after a
 * failover (Sentinel) the new primary's clock is sampled before it is used. Plain commands, not a script: a Lua call
 * cost Redis ~10 µs of CPU per read against ~0.3 µs for an {@code MGET}, and a {@code TIME} per read another ~0.2 µs
 * (see the performance page).
 * <p>
 * On Redis Cluster ({@code client-type=cluster}, reference rule R19) the client routes every command by its key's
 * slot; three things differ: broadcasts are sharded ({@code SPUBLISH}, sent after the script that wrote the watermark
 * or override, since a script may only touch its own slot), and {@link #deleteMatching} scans every master and
 * deletes per slot.
 */
public final class RemoteLayer {

    /**
     * KEYS[1] watermark; ARGV[1] future buffer ms, ARGV[2] TTL ms, ARGV[3] channel ('' = none), ARGV[4] message,
     * ARGV[5] '1' to count the connected replicas (R26). Returns {watermark, replicas}.
     * Server clock (R6a), decimal epoch ms (R17); a watermark never moves back, so a short buffer cannot cut a
     * longer one short, and its TTL never shrinks (R17: Python gcache writes 4 h; a shorter TTL here would let a
     * gcache value outlive the watermark that invalidated it). The broadcast (R8) leaves in the same round trip.
     */
    static final String WATERMARK_SCRIPT = """
            local t = redis.call('TIME')
            local ms = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
            local current = tonumber(redis.call('GET', KEYS[1]))
            if current and current > ms then ms = current end
            local value = string.format('%.0f', ms)
            local ttl = tonumber(ARGV[2])
            local left = redis.call('PTTL', KEYS[1])
            if left == -1 then
              redis.call('SET', KEYS[1], value, 'KEEPTTL')
            else
              if left > ttl then ttl = left end
              redis.call('SET', KEYS[1], value, 'PX', ttl)
            end
            if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
            local replicas = 0
            if ARGV[5] == '1' then
              replicas = tonumber(string.match(redis.call('INFO', 'replication'), 'connected_slaves:(%d+)')) or 0
            end
            return {value, replicas}
            """;

    /**
     * KEYS[1] watermark; ARGV[1] TTL ms. Creates the watermark of an entity that has none at this server time minus
     * one millisecond (R25), atomically, so that of concurrent readers that found none exactly one creates it and every
     * other finds it. Returns {now, watermark}: a caller that computes after this stamps its value with {@code now},
     * after the watermark (created or found) unless an invalidation has put it in the future.
     */
    static final String GUARD_SCRIPT = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local current = redis.call('GET', KEYS[1])
            if not current then
              current = string.format('%.0f', now - 1)
              redis.call('SET', KEYS[1], current, 'PX', tonumber(ARGV[1]))
            end
            return {string.format('%.0f', now), current}
            """;

    private final Redis redis;
    private final Duration timeout;
    private final long maxValueSize;
    private final RemoteBreaker breaker;
    /** Keys whose size is being checked after a timed-out read (R14a); about {@link #MAX_SIZE_CHECKS} at most. */
    private final Set<String> sizeChecks = ConcurrentHashMap.newKeySet();
    private static final int MAX_SIZE_CHECKS = 4;
    private final OperationTimeouts timeouts;
    private final boolean cluster;
    private final CacheTimer timer;
    /** R26: replicas that must acknowledge a watermark; -1 = auto. */
    private volatile int waitReplicas = -1;
    /** R25/R7: the TTL a watermark created by a read gets (the invalidator's, which follows the longest value TTL). */
    private volatile LongSupplier watermarkTtlMillis = () -> TimeUnit.HOURS.toMillis(4);
    private final ServerClock clock = new ServerClock(TimeUnit.SECONDS.toNanos(1), System::nanoTime);

    public RemoteLayer(Redis redis, Duration timeout, long maxValueSize) {
        this(redis, timeout, maxValueSize, false);
    }

    /** @param cluster the client is a Redis Cluster client ({@code client-type=cluster}, R19) */
    public RemoteLayer(Redis redis, Duration timeout, long maxValueSize, boolean cluster) {
        this(redis, timeout, maxValueSize, cluster, new CacheTimer());
    }

    /**
     * @param timer fires every timeout of this layer (R28); closed with this layer
     */
    public RemoteLayer(Redis redis, Duration timeout, long maxValueSize, boolean cluster, CacheTimer timer) {
        this.timer = timer;
        this.cluster = cluster;
        this.redis = redis;
        this.timeout = timeout;
        this.maxValueSize = maxValueSize;
        RemoteTimeoutException timedOut = new RemoteTimeoutException(timeout); // stackless: one instance serves all
        this.timeouts = new OperationTimeouts(timeout.toNanos(), OperationTimeouts.tickFor(timeout.toNanos()),
                System::nanoTime, () -> timedOut, timer.sweeper(), timer.delivery());
        // A probe is itself bounded by the timeout; twice that plus a second is surely "lost".
        this.breaker = new RemoteBreaker(Math.max(1000, timeout.toMillis() * 4), timeout.toMillis() * 2 + 1000,
                System::nanoTime);
    }

    /**
     * Whether Redis is a Cluster (R19): broadcasts then use sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}), so
     * that a message travels to the one shard of its channel instead of every node.
     */
    public boolean sharded() {
        return cluster;
    }

    public RemoteBreaker breaker() {
        return breaker;
    }

    /** {@code quarkus.gcache.remote.max-value-size}: larger envelopes are neither written nor read (R14a). */
    public long maxValueSize() {
        return maxValueSize;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The sampled server clock (R6a); for tests. */
    public ServerClock clock() {
        return clock;
    }

    /**
     * Runs {@code operation} under {@code permit} and reports its outcome to the breaker whatever happens: an item
     * is a success, a failure (timeouts and refused connections included) a failure, a cancellation before either
     * a release (R10a: a permit and its outcome are inseparable).
     */
    public static <T> Uni<T> reported(RemoteBreaker.Permit permit, Uni<T> operation) {
        return operation.onItemOrFailure().invoke((item, failure) -> {
            if (failure == null || failure instanceof NotReplicated) { // R26: Redis answered
                permit.success();
            } else {
                permit.failure();
            }
        }).onCancellation().invoke(permit::release);
    }

    /**
     * Reads a value with its watermark ({@code watermarkKey} may be {@code null} for untracked keys) and the server
     * time. A value over {@code max-value-size} is deleted and reported instead of returned (R14a); when a read
     * times out, the value's size is checked separately, so that an oversize value cannot time out every read.
     */
    public Uni<RemoteRead> read(String key, String watermarkKey) {
        return read(key, watermarkKey, null);
    }

    /**
     * {@link #read(String, String)}; {@code oversize}, when not {@code null}, hears the size of an oversize value the
     * timeout check deleted (a value found oversize by the read itself is in the {@link RemoteRead}).
     */
    public Uni<RemoteRead> read(String key, String watermarkKey, LongConsumer oversize) {
        Request values = watermarkKey == null ? Request.cmd(Command.MGET).arg(key)
                : Request.cmd(Command.MGET).arg(key).arg(watermarkKey);
        ServerClock.Sample sample = cluster ? null : clock.fresh();
        Uni<RemoteRead> read;
        // One operator per read, whether or not it needs its guard: a second one (map, then chain) cost a REMOTE hit
        // about 800 B (JMH -prof gc, row 6a), each operator's callbacks being wrapped for context propagation.
        if (sample != null) {
            read = watermarkKey == null
                    ? send(values).map(v -> toRead(key, v, clock.lowerBound(sample), sample.slackMillis()))
                    : send(values).onItem().transformToUni(
                            v -> guard(toRead(key, v, clock.lowerBound(sample), sample.slackMillis()), watermarkKey));
        } else {
            long sent = System.nanoTime();
            read = redis.batch(List.of(values, Request.cmd(Command.TIME))).onItem()
                    .transformToUni(r -> guard(toRead(key, r.get(0), time(r.get(1), sent), 0), watermarkKey));
        }
        return bounded(read).onFailure(RemoteTimeoutException.class).invoke(() -> deleteIfOversize(key, oversize));
    }

    /** A read while waiting for another caller's computation (R21), and whether its lease is still held. */
    public record Polled(RemoteRead read, boolean leaseHeld) {
    }

    /**
     * {@link #read} plus {@code EXISTS leaseKey} in the same round trip (the lease key is in the value's slot): a
     * waiter learns that the computation it waits for ended without a value and stops waiting.
     */
    public Uni<Polled> poll(String key, String watermarkKey, String leaseKey) {
        Request values = watermarkKey == null ? Request.cmd(Command.MGET).arg(key)
                : Request.cmd(Command.MGET).arg(key).arg(watermarkKey);
        Request lease = Request.cmd(Command.EXISTS).arg(leaseKey);
        ServerClock.Sample sample = cluster ? null : clock.fresh();
        Uni<Polled> polled;
        if (sample != null) {
            polled = redis.batch(List.of(values, lease)).map(r -> new Polled(
                    toRead(key, r.get(0), clock.lowerBound(sample), sample.slackMillis()), r.get(1).toLong() > 0));
        } else {
            long sent = System.nanoTime();
            polled = redis.batch(List.of(values, Request.cmd(Command.TIME), lease))
                    .map(r -> new Polled(toRead(key, r.get(0), time(r.get(1), sent), 0), r.get(2).toLong() > 0));
        }
        return bounded(polled.chain(p -> guard(p.read(), watermarkKey)
                .map(read -> read == p.read() ? p : new Polled(read, p.leaseHeld()))));
    }

    /**
     * R25: a read of a tracked key that found no watermark goes on to {@link #GUARD_SCRIPT}, which creates it; the
     * read is then {@linkplain RemoteRead#unguarded() unguarded} (its value, if any, is not trusted) and carries the
     * script's time and watermark, so that a value computed after it is stamped after the watermark. Costs one more
     * round trip only for an entity without a watermark (its first read, or after Redis lost the watermark). When the
     * script fails, the read stays unguarded with its own time: its value is not trusted, and what is computed after
     * it is not either until a later read creates the watermark.
     * <p>
     * A read that found a watermark at or after its own time goes on to the script too, which then only tells the
     * exact server time: a read's time may be a lower bound ({@link ServerClock}), and a watermark just created by
     * another reader's script would otherwise lie "in the future" of this read, so that the value computed after it
     * would be neither trusted nor stored, and every caller waiting on this one's lease would compute it again.
     * <p>
     * Returns the read itself when it is ordered (the usual case: no extra round trip) or untracked.
     */
    private Uni<RemoteRead> guard(RemoteRead r, String watermarkKey) {
        if (watermarkKey == null || (r.watermark() >= 0 && r.watermark() < r.serverNowMillis())) {
            return Uni.createFrom().item(r);
        }
        boolean unguarded = r.watermark() < 0;
        RemoteRead fallback = !unguarded ? r
                : new RemoteRead(r.envelope(), r.watermark(), r.serverNowMillis(), r.clockSlackMillis(),
                        r.oversizeDeleted(), true);
        return send(Request.cmd(Command.EVAL).arg(GUARD_SCRIPT).arg(1).arg(watermarkKey)
                .arg(watermarkTtlMillis.getAsLong()))
                .map(g -> new RemoteRead(r.envelope(), Math.max(r.watermark(), parseWatermark(g.get(1).toString())),
                        parseWatermark(g.get(0).toString()), 0, r.oversizeDeleted(), unguarded))
                .onFailure().recoverWithItem(fallback);
    }

    /** The TTL of watermarks created by reads (R25), at least the longest tracked value TTL (R7). */
    public void watermarkTtl(LongSupplier millis) {
        this.watermarkTtlMillis = millis;
    }

    /** A {@code TIME} reply in epoch milliseconds, kept as the clock's newest sample. */
    private long time(Response time, long sentNanos) {
        long millis = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
        clock.record(millis, sentNanos);
        return millis;
    }

    private RemoteRead toRead(String key, Response values, long now, long slackMillis) {
        Response value = values.get(0);
        Response watermark = values.size() > 1 ? values.get(1) : null;
        long wm;
        try {
            wm = watermark == null ? -1 : parseWatermark(watermark.toString());
        } catch (NumberFormatException e) {
            wm = Long.MAX_VALUE; // unreadable (written by hand or by a broken client): treat the entity as invalidated
        }
        byte[] envelope = value == null ? null : value.toBytes();
        if (envelope != null && envelope.length > maxValueSize) {
            unlink(key);
            return new RemoteRead(null, wm, now, slackMillis, envelope.length, false);
        }
        return new RemoteRead(envelope, wm, now, slackMillis, 0, false);
    }

    private void deleteIfOversize(String key, LongConsumer oversize) {
        // A slow Redis times many reads out: one check per key and a few at a time, so checks do not add to its load.
        if (sizeChecks.size() >= MAX_SIZE_CHECKS || !sizeChecks.add(key)) {
            return;
        }
        // Not bounded by remote.timeout: its reply queues behind the oversize reply still being received, which is
        // what timed the read out. Off every caller's path, so a timer of its own.
        send(Request.cmd(Command.STRLEN).arg(key)).ifNoItem().after(oversizeCheckTimeout()).on(timer.scheduler()).fail()
                .onTermination().invoke(() -> sizeChecks.remove(key))
                .subscribe().with(size -> {
                    if (size != null && size.toLong() > maxValueSize) {
                        unlink(key);
                        if (oversize != null) {
                            oversize.accept(size.toLong()); // R14a: counted value_too_large, as when the read finds it
                        }
                    }
                }, failure -> {
                });
    }

    /** How long the size check after a timed-out read may take: ten read timeouts, at least two seconds. */
    private Duration oversizeCheckTimeout() {
        Duration tenTimes = timeout.multipliedBy(10);
        return tenTimes.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : tenTimes;
    }

    private void unlink(String key) {
        bounded(send(Request.cmd(Command.UNLINK).arg(key))).subscribe().with(ok -> {
        }, failure -> {
        });
    }

    public Uni<Void> write(String key, byte[] envelope, long ttlMillis) {
        return bounded(send(Request.cmd(Command.SET).arg(key).arg(envelope).arg("PX").arg(ttlMillis))
                .replaceWithVoid());
    }

    /**
     * Writes an entity watermark and publishes {@code message} on {@code channel}; returns the watermark. Outside a
     * Cluster the write must also reach {@code wait-replicas} replicas (R26): on the same connection as the script,
     * {@code WAIT n remote.timeout} follows it, and too few acknowledgements fail the write with {@link NotReplicated}
     * (the invalidation then waits in the outbox and is written again, R18). With {@code auto} that is one replica
     * while the primary reports a connected one (counted by the script itself, no extra round trip).
     */
    public Uni<Long> writeWatermark(String key, long bufferMillis, long ttlMillis, String channel, String message) {
        Request script = Request.cmd(Command.EVAL).arg(WATERMARK_SCRIPT).arg(1).arg(key).arg(bufferMillis)
                .arg(ttlMillis).arg(cluster ? "" : channel).arg(message).arg(!cluster && waitReplicas != 0 ? "1" : "0");
        if (cluster) {
            // R19: published after the watermark is written, never before (a reader must not reload the old value); a
            // failed publish fails the invalidation, which then waits in the outbox and is retried whole (R18).
            // wait-replicas does not apply: WAIT has no key to route it to the watermark's master.
            return bounded(send(script).map(r -> parseWatermark(r.get(0).toString()))
                    .call(() -> spublish(channel, message)));
        }
        if (waitReplicas == 0) {
            return bounded(send(script).map(r -> parseWatermark(r.get(0).toString())));
        }
        // WAIT counts the writes of its own connection: one connection for both
        return bounded(redis.connect()).chain(c -> bounded(c.send(script)).chain(reply -> {
            long watermark = parseWatermark(reply.get(0).toString());
            int connected = reply.get(1).toInteger();
            int needed = waitReplicas > 0 ? waitReplicas : (connected > 0 ? 1 : 0);
            if (needed == 0) {
                return Uni.createFrom().item(watermark);
            }
            // Redis answers WAIT by itself after the timeout; the client's own bound is a backstop behind it
            return c.send(Request.cmd(Command.WAIT).arg(needed).arg(timeout.toMillis()))
                    .ifNoItem().after(timeout.multipliedBy(2)).on(timer.scheduler()).fail()
                    .map(acked -> {
                        if (acked.toInteger() < needed) {
                            throw new NotReplicated(needed, acked.toInteger());
                        }
                        return watermark;
                    });
        }).eventually(() -> c.close().onFailure().recoverWithNull()));
    }

    /**
     * How many replicas must acknowledge a watermark (R26): {@code -1} for {@code auto}, else the number
     * ({@code quarkus.gcache.invalidation.wait-replicas}).
     */
    public void waitReplicas(int waitReplicas) {
        this.waitReplicas = waitReplicas;
    }

    /**
     * A watermark was written but too few replicas acknowledged it in time (R26): it could vanish in a failover.
     * Redis answered, so it says nothing against Redis' health (the breaker counts it a success).
     */
    public static final class NotReplicated extends RuntimeException {
        NotReplicated(int needed, int acked) {
            super("the watermark reached " + acked + " of " + needed + " replica(s) in time", null, false, false);
        }
    }

    private Uni<Response> spublish(String channel, String message) {
        return send(Request.cmd(Command.SPUBLISH).arg(channel).arg(message));
    }

    /** KEYS[1] hash; ARGV[1] field, ARGV[2] value ('' with ARGV[4] = 'del' to remove), ARGV[3] channel. */
    static final String OVERRIDE_SCRIPT = """
            if ARGV[4] == 'del' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
            redis.call('PUBLISH', ARGV[3], ARGV[1])
            return 1
            """;

    /**
     * KEYS[1] hash; ARGV[1] field, ARGV[2] value ('' with ARGV[3] = 'del' to remove), ARGV[4] the value the field must
     * still hold, or be absent (R27: absent is lost, never removed by another instance); ('' with ARGV[5] = 'absent':
     * the field must be absent). Returns 1 when written, 0 when the field holds something else. No announcement: the
     * caller publishes when written.
     */
    static final String OVERRIDE_IF_SCRIPT = """
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if ARGV[5] == 'absent' then
              if current then return 0 end
            elseif current and current ~= ARGV[4] then
              return 0
            end
            if ARGV[3] == 'del' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
            return 1
            """;

    /**
     * Stores (or with {@code value == null} removes) a runtime override only if the field still holds {@code expected}
     * or is absent ({@code expected == null}: only if absent), and then announces it; {@code false} when the field held
     * something else.
     */
    public Uni<Boolean> writeOverrideIf(String hash, String field, String value, String expected, String channel) {
        Uni<Boolean> written = send(Request.cmd(Command.EVAL).arg(OVERRIDE_IF_SCRIPT).arg(1).arg(hash).arg(field)
                .arg(value == null ? "" : value).arg(value == null ? "del" : "set")
                .arg(expected == null ? "" : expected).arg(expected == null ? "absent" : "equal"))
                .map(r -> r.toLong() == 1);
        return bounded(written.call(ok -> !ok ? Uni.createFrom().voidItem()
                : (cluster ? spublish(channel, field) : send(Request.cmd(Command.PUBLISH).arg(channel).arg(field)))
                        .replaceWithVoid()));
    }

    /** Stores (or with {@code value == null} removes) a runtime override and announces it, in one round trip. */
    public Uni<Void> writeOverride(String hash, String field, String value, String channel) {
        Uni<Response> written = send(Request.cmd(Command.EVAL).arg(cluster ? OVERRIDE_SCRIPT_SHARDED : OVERRIDE_SCRIPT)
                .arg(1).arg(hash).arg(field).arg(value == null ? "" : value).arg(channel)
                .arg(value == null ? "del" : "set"));
        return bounded((cluster ? written.call(() -> spublish(channel, field)) : written).replaceWithVoid());
    }

    /** {@link #OVERRIDE_SCRIPT} without the announcement, which R19 sends with SPUBLISH after it. */
    static final String OVERRIDE_SCRIPT_SHARDED = """
            if ARGV[4] == 'del' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
            return 1
            """;

    public Uni<java.util.Map<String, String>> hashGetAll(String hash) {
        return bounded(send(Request.cmd(Command.HGETALL).arg(hash)).map(r -> {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            if (r.getDelegate().isMap()) { // RESP3
                for (String k : r.getKeys()) {
                    m.put(k, r.get(k).toString());
                }
            } else { // RESP2: field, value, field, value...
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    m.put(r.get(i).toString(), r.get(i + 1).toString());
                }
            }
            return m;
        }));
    }

    public Redis client() {
        return redis;
    }

    /**
     * Deletes every key matching one of the glob patterns, with SCAN (never KEYS or FLUSHDB; R15). On Redis Cluster
     * (R19) every master is scanned, and each page is deleted slot by slot.
     */
    public Uni<Void> deleteMatching(List<String> patterns) {
        return deleteMatching(patterns, null);
    }

    /**
     * {@link #deleteMatching(List)}, but entity watermarks ({@code ...}#watermark}) last: the scans of {@code patterns}
     * skip them, and a last scan of {@code watermarks} (a pattern that matches only watermarks) deletes them. A watermark
     * deleted while values it makes stale are still there would let other instances trust those values until their
     * own page is deleted (R6, R15). {@code watermarks == null}: no such order.
     */
    public Uni<Void> deleteMatching(List<String> patterns, String watermarks) {
        byte[] skip = watermarks == null ? null : WATERMARK_SUFFIX;
        if (cluster) {
            // one cluster connection for the whole flush: the deletions of a page are pipelined on its connection
            // to each master instead of taking a pooled connection each
            return bounded(redis.connect()).chain(c -> bounded(c.send(Request.cmd(Command.CLUSTER).arg("SLOTS")))
                    .chain(slots -> {
                        List<String> masters = routingKeysOfMasters(slots);
                        Uni<Void> all = Uni.createFrom().voidItem();
                        for (String routingKey : masters) {
                            for (String pattern : patterns) {
                                all = all.chain(() -> scanMasterAndDelete(c, routingKey, pattern, "0", skip));
                            }
                        }
                        if (watermarks != null) {
                            for (String routingKey : masters) {
                                all = all.chain(() -> scanMasterAndDelete(c, routingKey, watermarks, "0", null));
                            }
                        }
                        return all;
                    }).eventually(() -> c.close().onFailure().recoverWithNull()));
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String pattern : patterns) {
            all = all.chain(() -> scanAndDelete(pattern, "0", skip));
        }
        return watermarks == null ? all : all.chain(() -> scanAndDelete(watermarks, "0", null));
    }

    /** What every watermark key ends with: {@code {<prefix>:<keyType>:<id>}#watermark} (R6). */
    private static final byte[] WATERMARK_SUFFIX = ("}#" + io.quarkiverse.gcache.runtime.keys.Urns.WATERMARK)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static boolean endsWith(byte[] key, byte[] suffix) {
        if (suffix == null || key.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (key[key.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * One key per master, from a {@code CLUSTER SLOTS} reply ({@code [start, end, [host, port, id, ...], replicas...]}
     * per range): a key in the first slot of the master's first range, so that a command naming it reaches that
     * master.
     */
    static List<String> routingKeysOfMasters(Response slots) {
        Map<String, Integer> firstSlotByMaster = new LinkedHashMap<>();
        for (Response range : slots) {
            Response master = range.get(2);
            String id = master.size() > 2 ? master.get(2).toString() : master.get(0) + ":" + master.get(1);
            firstSlotByMaster.putIfAbsent(id, range.get(0).toInteger());
        }
        List<String> keys = new ArrayList<>();
        firstSlotByMaster.values().forEach(slot -> keys.add(ClusterSlots.routingKey(slot)));
        return keys;
    }

    /**
     * SCAN of one master, reached through a key of a slot it serves: the cluster client routes by key, and plain
     * {@code SCAN} has none. The script only scans (it touches no key), so it is allowed on any master.
     */
    static final String SCAN_SCRIPT = "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])";

    private Uni<Void> scanMasterAndDelete(RedisConnection c, String routingKey, String pattern, String cursor,
            byte[] skip) {
        return bounded(c.send(Request.cmd(Command.EVAL).arg(SCAN_SCRIPT).arg(1).arg(routingKey).arg(cursor).arg(pattern)
                .arg(500))).chain(page -> {
                    String next = page.get(0).toString();
                    Map<Integer, Request> bySlot = new LinkedHashMap<>();
                    for (Response k : page.get(1)) {
                        byte[] key = k.toBytes();
                        if (endsWith(key, skip)) {
                            continue; // deleted last
                        }
                        bySlot.computeIfAbsent(ClusterSlots.slot(key), s -> Request.cmd(Command.UNLINK)).arg(key);
                    }
                    Uni<Void> deleted = bySlot.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.join().all(bySlot.values().stream().map(del -> bounded(c.send(del))).toList())
                                    .andFailFast().replaceWithVoid();
                    return "0".equals(next) ? deleted
                            : deleted.chain(() -> scanMasterAndDelete(c, routingKey, pattern, next, skip));
                });
    }

    private Uni<Void> scanAndDelete(String pattern, String cursor, byte[] skip) {
        return bounded(send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(500)))
                .chain(page -> {
                    String next = page.get(0).toString();
                    Response keys = page.get(1);
                    Uni<Void> deleted = Uni.createFrom().voidItem();
                    Request del = Request.cmd(Command.UNLINK);
                    int n = 0;
                    for (Response k : keys) {
                        byte[] key = k.toBytes();
                        if (!endsWith(key, skip)) { // a skipped watermark is deleted last
                            del.arg(key);
                            n++;
                        }
                    }
                    if (n > 0) {
                        deleted = bounded(send(del)).replaceWithVoid();
                    }
                    return "0".equals(next) ? deleted : deleted.chain(() -> scanAndDelete(pattern, next, skip));
                });
    }

    /** Escapes glob metacharacters of a key prefix for SCAN MATCH. */
    public static String globEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** A lease on one key (reference R21): its key and this acquisition's token, so only its holder ends it. */
    public record Lease(String key, String token) {
    }

    /** KEYS[1] lease; ARGV[1] token: deletes the lease only if it is still this acquisition's. */
    static final String RELEASE_SCRIPT = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    /**
     * Takes a lease on a key about to be computed (R21): {@code SET key token NX PX ttl}. {@code true} when this
     * caller holds it; {@code false} when another does. A lease key shares the value's hash tag (tracked keys), so on
     * Redis Cluster it lives in the value's slot.
     */
    public Uni<Boolean> tryLease(Lease lease, long ttlMillis) {
        return bounded(send(Request.cmd(Command.SET).arg(lease.key()).arg(lease.token()).arg("NX").arg("PX")
                .arg(ttlMillis)).map(r -> r != null && "OK".equals(r.toString())));
    }

    /**
     * Ends a lease, if it is still this acquisition's: one that expired and was taken by another caller is left to
     * that caller. Fire-and-forget; a lease that cannot be deleted expires on its own.
     */
    public void release(Lease lease) {
        bounded(send(Request.cmd(Command.EVAL).arg(RELEASE_SCRIPT).arg(1).arg(lease.key()).arg(lease.token())))
                .subscribe().with(ok -> {
                }, failure -> {
                });
    }

    public Uni<Long> delete(String key) {
        return bounded(send(Request.cmd(Command.DEL).arg(key)).map(Response::toLong));
    }

    private Uni<Response> send(Request request) {
        return redis.send(request);
    }

    private <T> Uni<T> bounded(Uni<T> uni) {
        return timeouts.bound(uni).onFailure().invoke(clock::forget);
    }

    /** GCache's own timer (R28), for waits that belong to REMOTE operations. */
    public CacheTimer timer() {
        return timer;
    }

    /** Stops the timeout sweep and the timer (at shutdown). */
    public void close() {
        timeouts.close();
        timer.close();
    }

    /** gcache writes epoch milliseconds as a decimal string; tolerate a fractional part (R17). */
    static long parseWatermark(String s) {
        int dot = s.indexOf('.');
        return Long.parseLong(dot < 0 ? s.trim() : s.substring(0, dot).trim());
    }

    /** A REMOTE operation exceeded {@code quarkus.gcache.remote.timeout}. */
    public static final class RemoteTimeoutException extends RuntimeException {
        RemoteTimeoutException(Duration timeout) {
            super("Redis did not answer within " + timeout.toMillis() + " ms", null, false, false);
        }
    }
}
