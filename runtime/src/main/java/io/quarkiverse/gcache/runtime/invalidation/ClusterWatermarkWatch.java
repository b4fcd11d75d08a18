package io.quarkiverse.gcache.runtime.invalidation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.ResponseType;

/**
 * Watermark keyspace notifications on Redis Cluster ({@code invalidation.watch-watermarks}, reference rules R17, R19).
 * Redis sends a keyspace notification only to the clients of the node where the key was written, so hearing every
 * watermark takes a {@code PSUBSCRIBE} on every master: this class holds one standalone connection per master, the
 * masters being found with {@code CLUSTER SLOTS} through the cluster client.
 * <p>
 * The set of masters follows the cluster (failover, resharding onto a new node): it is discovered again every
 * {@value #DISCOVERY_INTERVAL_MILLIS} ms, at once when a master's connection is lost, refused or silent, and when the
 * owner asks ({@link #rediscover()}: its sharded subscription saw the topology change). Failed discoveries and
 * connections are retried with a capped backoff; nothing is thrown to anyone.
 * <p>
 * The watch is <em>complete</em> ({@link #isWatching()}) when every master of the latest topology has confirmed the
 * {@code PSUBSCRIBE} on a live connection. While it is not, the watermarks of some master could be missed, which is an
 * invalidation gap (R8a): the listener hears {@link Listener#watchLost} when the watch stops being complete (a master
 * lost, a new master not yet subscribed) and {@link Listener#watchComplete} when it is complete again.
 * <p>
 * Concurrency: all state is confined to one Vert.x event-loop context; connection events, timers and replies hop onto
 * it. Watermark notifications are applied on the connection's thread ({@link Invalidator} is thread-safe).
 * {@link #isWatching()} is a volatile read for any thread. The listener is called on that context, holding no lock of
 * this class (it has none), so it may lock itself and call {@link #isWatching()} or {@link #rediscover()}.
 */
final class ClusterWatermarkWatch {

    /** Told when the watch stops or starts covering every master; called on the watch's context. */
    interface Listener {
        void watchLost(String why);

        void watchComplete();
    }

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");
    /** A failover that ends no connection (CLUSTER FAILOVER) is seen within this; CLUSTER SLOTS is a small reply. */
    static final long DISCOVERY_INTERVAL_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final Redis cluster;
    private final Vertx vertx;
    private final io.vertx.mutiny.core.Vertx mutinyVertx;
    private final Context context;
    private final Executor onContext;
    private final BiFunction<String, Integer, RedisOptions> nodeOptions;
    private final String pattern;
    private final Invalidator invalidator;
    private final Listener listener;
    private final long silenceNanos;

    /** Endpoint ({@code host:port}) of each master of the latest topology, with its host and port. */
    private Map<String, Object[]> masters = Map.of();
    private final Map<String, Node> nodes = new HashMap<>();
    private boolean topologyKnown;
    private boolean discovering;
    private boolean discoveryScheduled;
    private long backoffMillis = 50;
    private long heartbeat = -1;
    private long periodic = -1;
    private volatile boolean stopped;
    private volatile boolean watching;
    static final long WARN_AFTER_MILLIS = 30_000;
    private long incompleteSince = -1;
    private long lastWarned = -1;

    /**
     * @param nodeOptions options of a standalone connection to a node, from its host and port (the cluster client's
     *        credentials and TLS)
     * @param silence how long a master's connection may stay silent, or unconfirmed, before it counts as lost
     */
    ClusterWatermarkWatch(Redis cluster, Vertx vertx, BiFunction<String, Integer, RedisOptions> nodeOptions,
            String pattern, Invalidator invalidator, Listener listener, Duration silence) {
        this.cluster = cluster;
        this.vertx = vertx;
        this.mutinyVertx = io.vertx.mutiny.core.Vertx.newInstance(vertx);
        this.context = vertx.getOrCreateContext();
        this.onContext = task -> context.runOnContext(v -> task.run());
        this.nodeOptions = nodeOptions;
        this.pattern = pattern;
        this.invalidator = invalidator;
        this.listener = listener;
        this.silenceNanos = silence.toNanos();
    }

    void start() {
        onContext.execute(() -> {
            heartbeat = vertx.setPeriodic(InvalidationSubscriber.PING_INTERVAL_MILLIS,
                    id -> onContext.execute(this::heartbeat));
            periodic = vertx.setPeriodic(DISCOVERY_INTERVAL_MILLIS, id -> onContext.execute(this::discover));
            discover();
        });
    }

    void stop() {
        stopped = true;
        watching = false;
        onContext.execute(() -> {
            vertx.cancelTimer(heartbeat);
            vertx.cancelTimer(periodic);
            nodes.values().forEach(Node::close);
            nodes.clear();
        });
    }

    /** Every master of the latest topology has confirmed the pattern subscription on a live connection. */
    boolean isWatching() {
        return watching;
    }

    /** Asks for the masters again soon (the topology may have changed); any thread. */
    void rediscover() {
        onContext.execute(() -> scheduleDiscovery(0));
    }

    private void discover() {
        if (stopped || discovering) {
            return;
        }
        discovering = true;
        cluster.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .ifNoItem().after(Duration.ofNanos(silenceNanos)).fail()
                .emitOn(onContext)
                .subscribe().with(this::reconcile, t -> {
                    discovering = false;
                    LOG.debugf("GCache could not list the cluster's masters for the watermark watch (%s); retrying", t);
                    scheduleDiscovery(nextBackoff());
                });
    }

    /** Follows the topology: a connection to each new master, none to a node that is no longer one. */
    private void reconcile(Response slots) {
        discovering = false;
        if (stopped) {
            return;
        }
        Map<String, Object[]> found = new LinkedHashMap<>();
        try {
            for (Response range : slots) {
                Response master = range.get(2);
                String host = master.get(0) == null ? "" : master.get(0).toString(); // "" or "?": the seed's host
                int port = master.get(1).toInteger();
                found.put(host + ":" + port, new Object[] { host, port });
            }
        } catch (RuntimeException e) {
            LOG.debugf("GCache could not read CLUSTER SLOTS (%s); retrying", e);
            scheduleDiscovery(nextBackoff());
            return;
        }
        masters = found;
        topologyKnown = true;
        for (Node node : new ArrayList<>(nodes.values())) {
            if (!found.containsKey(node.endpoint)) {
                LOG.debugf("GCache stops watching %s for watermarks: no longer a master", node.endpoint);
                nodes.remove(node.endpoint);
                node.close();
            }
        }
        String joined = null;
        for (Map.Entry<String, Object[]> m : found.entrySet()) {
            if (!nodes.containsKey(m.getKey())) {
                Node node = new Node(m.getKey(), (String) m.getValue()[0], (Integer) m.getValue()[1]);
                nodes.put(node.endpoint, node);
                node.connect();
                joined = node.endpoint;
            }
        }
        update(joined == null ? "the cluster's masters changed" : "master " + joined + " is not watched yet");
    }

    /** Recomputes completeness and tells the listener about a change; {@code why} explains a loss. */
    private void update(String why) {
        boolean now = topologyKnown && !masters.isEmpty() && !stopped;
        for (String endpoint : masters.keySet()) {
            Node node = nodes.get(endpoint);
            now &= node != null && node.confirmed;
        }
        boolean was = watching;
        watching = now;
        if (was && !now) {
            listener.watchLost(why);
        } else if (!was && now) {
            backoffMillis = 50;
            listener.watchComplete();
        }
    }

    private void lost(Node node, RedisConnection c, String why) {
        if (stopped || nodes.get(node.endpoint) != node || (c != null && node.connection != c)) {
            return; // an old connection's late event, or already handled
        }
        nodes.remove(node.endpoint);
        node.close();
        String text = "the watermark watch of master " + node.endpoint + " " + why;
        if (!watching) {
            LOG.debugf("GCache: %s; retrying", text);
        }
        update(text);
        // the node may be gone for good (failover): ask the cluster who the masters are before reconnecting
        scheduleDiscovery(nextBackoff());
    }

    /**
     * LOCAL of tracked use cases stays off while the watch is incomplete (R8a): say so at WARN once it has lasted
     * {@value #WARN_AFTER_MILLIS} ms, then once a minute, with the masters not heard (a refused PSUBSCRIBE, an
     * unreachable node address).
     */
    private void warnIfIncomplete(long now) {
        if (watching) {
            incompleteSince = -1;
            return;
        }
        if (incompleteSince < 0) {
            incompleteSince = now;
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(now - incompleteSince);
        if (millis >= WARN_AFTER_MILLIS && (lastWarned < 0 || now - lastWarned >= TimeUnit.MINUTES.toNanos(1))) {
            lastWarned = now;
            List<String> unheard = new ArrayList<>();
            for (String endpoint : masters.keySet()) {
                Node node = nodes.get(endpoint);
                if (node == null || !node.confirmed) {
                    unheard.add(endpoint);
                }
            }
            LOG.warnf("GCache has not heard the watermark notifications of every master for %d s (%s); LOCAL of "
                    + "tracked use cases stays off until it does", millis / 1000,
                    topologyKnown ? "not subscribed: " + unheard : "the masters could not be listed");
        }
    }

    private void scheduleDiscovery(long delayMillis) {
        if (stopped || discoveryScheduled) {
            return;
        }
        discoveryScheduled = true;
        vertx.setTimer(Math.max(1, delayMillis), id -> onContext.execute(() -> {
            discoveryScheduled = false;
            discover();
        }));
    }

    private long nextBackoff() {
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        return delay;
    }

    /** Declares silent or unconfirmed connections lost; pings the others (a pong, like any message, is heard). */
    private void heartbeat() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        warnIfIncomplete(now);
        for (Node node : new ArrayList<>(nodes.values())) {
            RedisConnection c = node.connection;
            if (c == null || !node.confirmed) {
                if (now - node.since > silenceNanos) {
                    lost(node, c, "was not subscribed within " + TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms");
                }
            } else if (now - node.lastHeard > silenceNanos) {
                lost(node, c, "was silent for " + TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms");
            } else {
                // RESP3 answers PONG to the request, RESP2 in subscribed mode pushes ["pong", ""]: both are heard
                c.send(Request.cmd(Command.PING)).subscribe().with(r -> node.lastHeard = System.nanoTime(), t -> {
                });
            }
        }
    }

    /** One master's subscription connection; fields other than {@code lastHeard} are confined to the context. */
    private final class Node {
        final String endpoint;
        final String host;
        final int port;
        final long since = System.nanoTime();
        volatile long lastHeard = since;
        Redis client;
        RedisConnection connection;
        boolean confirmed;
        boolean closed;

        Node(String endpoint, String host, int port) {
            this.endpoint = endpoint;
            this.host = host;
            this.port = port;
        }

        void connect() {
            try {
                client = Redis.createClient(mutinyVertx, nodeOptions.apply(host, port));
            } catch (RuntimeException e) {
                onContext.execute(() -> lost(this, null, "could not be set up: " + e));
                return;
            }
            client.connect().ifNoItem().after(Duration.ofNanos(silenceNanos)).fail()
                    .emitOn(onContext)
                    .subscribe().with(c -> {
                        if (closed) {
                            c.closeAndForget();
                            return;
                        }
                        connection = c;
                        lastHeard = System.nanoTime();
                        c.handler(r -> onPush(this, c, r));
                        c.exceptionHandler(t -> onContext.execute(() -> lost(this, c, "failed: " + t)));
                        c.endHandler(() -> onContext.execute(() -> lost(this, c, "was closed")));
                        // confirmed by a ["psubscribe", pattern, n] push (onPush), not by this reply
                        c.send(Request.cmd(Command.PSUBSCRIBE).arg(pattern)).emitOn(onContext).subscribe().with(ok -> {
                        }, t -> lost(this, c, "could not subscribe: " + t));
                    }, t -> lost(this, null, "could not connect: " + t));
        }

        void close() {
            closed = true;
            confirmed = false;
            if (connection != null) {
                connection.closeAndForget();
            }
            if (client != null) {
                client.close(); // also any connection that arrives after a connect timeout
            }
        }
    }

    /** A message from a master's connection, on that connection's thread. */
    private void onPush(Node node, RedisConnection c, Response r) {
        node.lastHeard = System.nanoTime();
        if (r == null) {
            return;
        }
        if (r.type() == ResponseType.ERROR) {
            onContext.execute(() -> lost(node, c, "was refused: " + r));
            return;
        }
        if (InvalidationSubscriber.onWatermarkNotification(invalidator, r)) {
            return;
        }
        if ((r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH) && r.size() >= 2) {
            String kind = r.get(0).toString();
            if ("psubscribe".equals(kind)) {
                onContext.execute(() -> {
                    if (nodes.get(node.endpoint) == node && node.connection == c && !node.confirmed) {
                        node.confirmed = true;
                        update(null);
                    }
                });
            } else if ("punsubscribe".equals(kind)) {
                onContext.execute(() -> lost(node, c, "was ended by Redis"));
            }
        }
    }
}
