package io.quarkiverse.gcache.runtime.invalidation;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.ResponseType;

/**
 * Listens for invalidations published by other instances (reference rule R8) on a dedicated Redis connection.
 * <p>
 * A pub/sub message lost while the connection is down cannot be replayed, so a gap is handled as R8a says: from the
 * moment the loss is noticed, LOCAL of tracked use cases is off ({@link Invalidator#lost()}); once subscribed
 * again, every LOCAL value computed before is dropped and LOCAL is used again ({@link Invalidator#subscribed()}).
 * <p>
 * A connection can also die silently (a NAT or load balancer dropping it without a close): every
 * {@link #PING_INTERVAL_MILLIS} ms the connection is pinged, and when nothing at all (pong or message) has been
 * heard for {@code silenceMillis}, it is treated as lost, closed and replaced. While disconnected it retries with a
 * capped backoff.
 * <p>
 * On Redis Cluster (reference rule R19) both channels are shard channels: {@code SSUBSCRIBE}, one command per channel
 * (each is routed to the master of its slot, and the two may live on different masters), messages arrive as
 * {@code smessage}. The heartbeat then repeats the {@code SSUBSCRIBE}s, which reach exactly the masters that carry
 * the channels (a {@code PING} would go to any node), and each channel must be heard from. When the server ends a
 * shard subscription itself ({@code sunsubscribe}: the slot moved to another master, or the master became a replica
 * in a failover), or the connection to any master ends, the subscription is lost: a gap (R8a), then a new
 * connection with the cluster's current slots.
 * <p>
 * Watching watermarks ({@code invalidation.watch-watermarks}, R17) adds a {@code PSUBSCRIBE} to their keyspace
 * notifications: on this connection with a single Redis or Sentinel; on Redis Cluster, where notifications stay on the
 * node that wrote the key, on a connection to every master ({@link ClusterWatermarkWatch}). There a master that cannot
 * be heard is a gap as well (R8a): LOCAL of tracked use cases is used only while this subscription is in place
 * <em>and</em> every master is watched, and is resynced when both are back.
 */
public final class InvalidationSubscriber {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");
    static final long PING_INTERVAL_MILLIS = 1000;

    private final Redis redis;
    private final Vertx vertx;
    private final Invalidator invalidator;
    private final String controlChannel;
    private final Runnable onControl;
    private final long silenceNanos;
    /** Keyspace-notification pattern of watermark keys ({@code invalidation.watch-watermarks}), or {@code null}. */
    private final String watermarkPattern;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Redis Cluster: sharded pub/sub (R19). */
    private final boolean sharded;
    private volatile RedisConnection connection;
    private volatile boolean subscribed;
    private volatile long lastHeard;
    /** Sharded: when each channel's master was last heard from (the channels may live on two masters). */
    private volatile long heardInvalidations;
    private volatile long heardControl;
    private boolean hadGap;
    private boolean everSubscribed;
    /** Sharded: the channels' masters confirmed the SSUBSCRIBEs of the current connection. */
    private volatile boolean confirmedInvalidations;
    private volatile boolean confirmedControl;
    private long backoffMillis = 50;
    private long heartbeat = -1;
    /** Redis Cluster with watch-watermarks: the per-master watch (R17, R19); otherwise {@code null}. */
    private final ClusterWatermarkWatch watch;
    /** The watch's gap was logged as a warning; its end is logged then (guarded by this). */
    private boolean watchGapSaid;

    /**
     * @param controlChannel also subscribed; a message there, and every resync, runs {@code onControl} (runtime
     *        overrides are reloaded)
     * @param timeout {@code remote.timeout}; silence for 2 s plus twice this is a dead connection
     * @param watermarkPattern when not {@code null}, also subscribed (PSUBSCRIBE) to keyspace notifications of
     *        watermark keys, so that invalidations by any writer, Python gcache included, reach LOCAL (R17)
     */
    public InvalidationSubscriber(Redis redis, Vertx vertx, Invalidator invalidator, String controlChannel,
            Runnable onControl, Duration timeout, String watermarkPattern) {
        this(redis, vertx, invalidator, controlChannel, onControl, timeout, watermarkPattern,
                (host, port) -> new RedisOptions().setEndpoint("redis://" + host + ":" + port));
    }

    /**
     * @param nodeOptions Redis Cluster with {@code watermarkPattern}: options of a standalone connection to one master,
     *        from its host and port (the client's credentials and TLS); unused otherwise
     */
    public InvalidationSubscriber(Redis redis, Vertx vertx, Invalidator invalidator, String controlChannel,
            Runnable onControl, Duration timeout, String watermarkPattern,
            BiFunction<String, Integer, RedisOptions> nodeOptions) {
        this.redis = redis;
        this.vertx = vertx;
        this.invalidator = invalidator;
        this.controlChannel = controlChannel;
        this.onControl = onControl;
        this.silenceNanos = TimeUnit.MILLISECONDS.toNanos(2000 + 2 * timeout.toMillis());
        this.sharded = invalidator.sharded();
        // R19: keyspace notifications are node-local on a cluster, so the pattern goes to every master, not here
        this.watermarkPattern = sharded ? null : watermarkPattern;
        this.watch = sharded && watermarkPattern != null
                ? new ClusterWatermarkWatch(redis, vertx, nodeOptions, watermarkPattern, invalidator, new WatchListener(),
                        Duration.ofNanos(silenceNanos))
                : null;
    }

    public void start() {
        heartbeat = vertx.setPeriodic(PING_INTERVAL_MILLIS, id -> heartbeat());
        connect();
        if (watch != null) {
            watch.start();
        }
    }

    /**
     * Invalidations can reach this instance: subscribed, and on Redis Cluster with watch-watermarks, every master's
     * watermark notifications are heard too.
     */
    public boolean isSubscribed() {
        return subscribed && (watch == null || watch.isWatching());
    }

    public void stop() {
        stopped.set(true);
        if (heartbeat >= 0) {
            vertx.cancelTimer(heartbeat);
        }
        if (watch != null) {
            watch.stop();
        }
        RedisConnection c = connection;
        if (c != null) {
            c.closeAndForget();
        }
    }

    private void connect() {
        if (stopped.get()) {
            return;
        }
        Duration silence = Duration.ofNanos(silenceNanos);
        // Not ifNoItem(): a connection that arrives after the deadline must be closed, not leaked.
        AtomicBoolean abandoned = new AtomicBoolean();
        long deadline = vertx.setTimer(silence.toMillis(), id -> {
            if (abandoned.compareAndSet(false, true)) {
                retry();
            }
        });
        redis.connect().subscribe().with(c -> {
            vertx.cancelTimer(deadline);
            if (!abandoned.compareAndSet(false, true) || stopped.get()) {
                c.closeAndForget();
                return;
            }
            connection = c;
            lastHeard = System.nanoTime();
            heardInvalidations = lastHeard;
            heardControl = lastHeard;
            c.handler(r -> onPush(c, r));
            c.exceptionHandler(t -> lost(c, "failed: " + t));
            c.endHandler(() -> lost(c, "closed"));
            confirmedInvalidations = false;
            confirmedControl = false;
            subscribe(c)
                    .chain(ok -> watermarkPattern == null ? Uni.createFrom().item(ok)
                            : c.send(Request.cmd(Command.PSUBSCRIBE).arg(watermarkPattern)))
                    .ifNoItem().after(silence).fail().subscribe().with(ok -> {
                        if (!sharded) {
                            onSubscribed(c);
                            return;
                        }
                        // R19: a (S)SUBSCRIBE "succeeds" once written, even to a master that just died; the
                        // subscription counts only when each channel's master has confirmed it (onPush)
                        vertx.setTimer(silence.toMillis(), id -> {
                            if (connection == c && !subscribed) {
                                lost(c, "was not confirmed by the masters of " + invalidator.channel() + " and "
                                        + controlChannel + " within " + silence.toMillis() + " ms");
                            }
                        });
                    }, t -> lost(c, "subscribe failed: " + t));
        }, t -> {
            vertx.cancelTimer(deadline);
            if (abandoned.compareAndSet(false, true)) {
                retry();
            }
        });
    }

    /** The subscription is in place: invalidations reach this instance again (R8a). */
    private synchronized void onSubscribed(RedisConnection c) {
        if (connection != c || subscribed) {
            return;
        }
        lastHeard = System.nanoTime();
        heardInvalidations = lastHeard;
        heardControl = lastHeard;
        subscribed = true;
        backoffMillis = 50;
        boolean resynced = closeGap();
        if (!everSubscribed && !hadGap) {
            // the startup load of the overrides may have failed (a Cluster client's first command also discovers
            // the slots): load them again now that announcements can be heard
            onControl.run();
        }
        everSubscribed = true;
        if (hadGap) {
            hadGap = false;
            onControl.run();
            if (resynced) {
                LOG.infof("GCache re-subscribed to %s; LOCAL values of tracked use cases computed before were dropped, "
                        + "since invalidations may have been missed, and LOCAL is used again", invalidator.channel());
            } else {
                LOG.infof("GCache re-subscribed to %s; LOCAL of tracked use cases stays off until the watermark "
                        + "notifications of every master are heard again", invalidator.channel());
            }
        }
    }

    /**
     * Ends the gap (R8a: drop what was computed before, then use LOCAL) when every source of invalidations is heard:
     * the subscription and, on a watched cluster, every master. Caller holds the lock. Returns whether it did.
     */
    private boolean closeGap() {
        if (!subscribed || (watch != null && !watch.isWatching())) {
            return false;
        }
        if (invalidator.gap().isOpen()) {
            invalidator.subscribed();
        }
        return true;
    }

    /** The per-master watch's gap, joined to this subscription's (R8a); called on the watch's context. */
    private final class WatchListener implements ClusterWatermarkWatch.Listener {
        @Override
        public void watchLost(String why) {
            synchronized (InvalidationSubscriber.this) {
                if (stopped.get()) {
                    return;
                }
                boolean wasOpen = invalidator.gap().isOpen();
                invalidator.lost();
                if (!wasOpen) {
                    watchGapSaid = true;
                    LOG.warnf("GCache: %s; LOCAL of tracked use cases is off until every master's watermark "
                            + "notifications are heard again", why);
                }
            }
        }

        @Override
        public void watchComplete() {
            synchronized (InvalidationSubscriber.this) {
                if (!stopped.get() && closeGap() && watchGapSaid) {
                    watchGapSaid = false;
                    LOG.infof("GCache hears the watermark notifications of every master again; LOCAL values of tracked "
                            + "use cases computed before were dropped, and LOCAL is used again");
                }
            }
        }
    }

    /** SUBSCRIBE, or on Redis Cluster one SSUBSCRIBE per channel, each sent to its channel's master (R19). */
    private Uni<Response> subscribe(RedisConnection c) {
        if (!sharded) {
            return c.send(Request.cmd(Command.SUBSCRIBE).arg(invalidator.channel()).arg(controlChannel));
        }
        return c.send(Request.cmd(Command.SSUBSCRIBE).arg(invalidator.channel()))
                .chain(ok -> c.send(Request.cmd(Command.SSUBSCRIBE).arg(controlChannel)));
    }

    /** Pings the subscribed connection, and declares it lost when it has been silent for too long. */
    private void heartbeat() {
        RedisConnection c = connection;
        if (stopped.get() || c == null || !subscribed) {
            return;
        }
        long heard = sharded ? Math.min(heardInvalidations, heardControl) : lastHeard;
        if (System.nanoTime() - heard > silenceNanos) {
            lost(c, "was silent for " + TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms (no answer to "
                    + (sharded ? "SSUBSCRIBE" : "PING") + ")");
            return;
        }
        if (sharded) {
            // answered by a confirmation from each channel's master, which counts as heard from it (onPush)
            subscribe(c).subscribe().with(ok -> {
            }, t -> {
            });
            return;
        }
        // RESP3 answers PONG to the request; RESP2 in subscribed mode sends ["pong", ""], which, like any message
        // that arrives while a request waits, may be handed to either side: both count as heard.
        c.send(Request.cmd(Command.PING)).subscribe().with(r -> onPush(c, r), t -> {
        });
    }

    private void onPush(RedisConnection c, Response r) {
        lastHeard = System.nanoTime();
        if (sharded && c == connection && r != null && r.type() == ResponseType.ERROR) {
            // an SSUBSCRIBE answered with MOVED (the slot has a new master, this connection's slots are old),
            // CLUSTERDOWN...: its reply comes here, since a subscription command waits for no reply (R19)
            lost(c, "was refused: " + r);
            return;
        }
        if (sharded && c == connection && r != null && (r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH)
                && r.size() >= 2) {
            String kind = r.get(0).toString();
            String channel = r.get(1) == null ? "" : r.get(1).toString();
            if ("ssubscribe".equals(kind) || "smessage".equals(kind)) {
                if (invalidator.channel().equals(channel)) {
                    heardInvalidations = lastHeard;
                    confirmedInvalidations = true;
                } else if (controlChannel.equals(channel)) {
                    heardControl = lastHeard;
                    confirmedControl = true;
                }
                if (!subscribed && confirmedInvalidations && confirmedControl) {
                    onSubscribed(c);
                }
            } else if ("sunsubscribe".equals(kind)) {
                // never asked for: the server dropped the shard subscription (slot moved, master demoted; R19)
                lost(c, "was ended by Redis for " + channel + " (its slot moved or its master changed)");
                return;
            }
        }
        if (onWatermarkNotification(invalidator, r)) {
            return;
        }
        if (r != null && (r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH) && r.size() >= 3
                && ("message".equals(r.get(0).toString()) || "smessage".equals(r.get(0).toString()))) {
            try {
                if (controlChannel.equals(r.get(1).toString())) {
                    onControl.run();
                    return;
                }
                invalidator.onMessage(r.get(2).toString());
            } catch (RuntimeException e) {
                LOG.warnf("GCache ignored a malformed invalidation message: %s", e);
            }
        }
    }

    /**
     * Applies {@code r} if it is a watermark's keyspace notification ({@code pmessage}, R17) and says whether it was;
     * any thread.
     */
    static boolean onWatermarkNotification(Invalidator invalidator, Response r) {
        if (r == null || (r.type() != ResponseType.MULTI && r.type() != ResponseType.PUSH) || r.size() < 4
                || !"pmessage".equals(r.get(0).toString())) {
            return false;
        }
        // __keyspace@<db>__:<key> -> the event (set, setex, ...): a watermark was written by someone
        String channel = r.get(2).toString();
        try {
            invalidator.onWatermarkWritten(channel.substring(channel.indexOf("__:") + 3));
        } catch (RuntimeException e) {
            LOG.warnf("GCache ignored a malformed watermark notification %s: %s", channel, e);
        }
        return true;
    }

    private synchronized void lost(RedisConnection c, String why) {
        if (stopped.get() || connection != c || c == null) {
            return; // an old connection's late event, or already handled
        }
        boolean was = subscribed;
        subscribed = false;
        hadGap = true;
        connection = null;
        invalidator.lost();
        if (watch != null) {
            watch.rediscover(); // R19: a slot moved or a master changed, maybe the set of masters too
        }
        if (was) {
            LOG.warnf("GCache invalidation subscription %s; LOCAL of tracked use cases is off until it is back", why);
        } else {
            // a failed attempt while the gap is already open (and was said): the re-subscription is logged
            LOG.debugf("GCache invalidation subscription attempt %s; retrying", why);
        }
        c.closeAndForget();
        retry();
    }

    private void retry() {
        if (stopped.get()) {
            return;
        }
        hadGap = true;
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, 2000);
        vertx.setTimer(delay, id -> connect());
    }
}
