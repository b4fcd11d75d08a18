package io.quarkiverse.gcache.runtime.invalidation;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Listens for invalidations published by other instances (R8) on a dedicated Redis connection.
 * <p>
 * A pub/sub message lost while the connection is down cannot be replayed, so every gap ends with a resync: once
 * subscribed again, the instance drops its LOCAL entries of tracked use cases ({@link Invalidator#resync()}). While
 * disconnected it retries with a capped backoff.
 */
public final class InvalidationSubscriber {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    private final Redis redis;
    private final Vertx vertx;
    private final Invalidator invalidator;
    private final String controlChannel;
    private final Runnable onControl;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile RedisConnection connection;
    private volatile boolean subscribed;
    private boolean hadGap;
    private long backoffMillis = 50;

    /**
     * @param controlChannel also subscribed; a message there, and every resync, runs {@code onControl} (runtime
     *        overrides are reloaded)
     */
    public InvalidationSubscriber(Redis redis, Vertx vertx, Invalidator invalidator, String controlChannel,
            Runnable onControl) {
        this.redis = redis;
        this.vertx = vertx;
        this.invalidator = invalidator;
        this.controlChannel = controlChannel;
        this.onControl = onControl;
    }

    public void start() {
        connect();
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    public void stop() {
        stopped.set(true);
        RedisConnection c = connection;
        if (c != null) {
            c.closeAndForget();
        }
    }

    private void connect() {
        if (stopped.get()) {
            return;
        }
        redis.connect().subscribe().with(c -> {
            connection = c;
            c.handler(this::onPush);
            c.exceptionHandler(t -> lost("failed: " + t));
            c.endHandler(() -> lost("closed"));
            c.send(Request.cmd(Command.SUBSCRIBE).arg(invalidator.channel()).arg(controlChannel)).subscribe().with(ok -> {
                subscribed = true;
                backoffMillis = 50;
                if (hadGap) {
                    hadGap = false;
                    invalidator.resync();
                    onControl.run();
                    LOG.infof("GCache re-subscribed to %s; cleared LOCAL entries of tracked use cases, since "
                            + "invalidations may have been missed", invalidator.channel());
                }
            }, t -> lost("subscribe failed: " + t));
        }, t -> retry());
    }

    private void onPush(Response r) {
        if (r.size() >= 3 && "message".equals(r.get(0).toString())) {
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

    private synchronized void lost(String why) {
        if (stopped.get() || !subscribed && hadGap) {
            return;
        }
        subscribed = false;
        hadGap = true;
        invalidator.resync();
        LOG.warnf("GCache invalidation subscription %s; LOCAL entries of tracked use cases cleared, reconnecting", why);
        RedisConnection c = connection;
        connection = null;
        if (c != null) {
            c.closeAndForget();
        }
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
