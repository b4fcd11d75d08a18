package io.quarkiverse.gcache.runtime.layers;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * Keeps a copy of the options each Quarkus Redis client was built with, so that GCache can open a standalone connection
 * to one node of a Redis Cluster with the same password, TLS and protocol settings (reference rule R19: keyspace
 * notifications are node-local, and the watermark watch of R17 needs a connection to every master). It changes
 * nothing in the options it is shown.
 * <p>
 * Thread-safe: the Redis extension calls {@link #customize} when it creates a client, any thread may ask
 * {@link #forNode} afterwards.
 */
@Singleton
public class RedisNodeOptions implements RedisOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    private final Map<String, RedisOptions> byClient = new ConcurrentHashMap<>();

    @Override
    public void customize(String clientName, RedisOptions options) {
        // the instance, not a copy: customizers that run after this one (a password from a vault) are seen too;
        // forNode copies it
        byClient.put(clientName, options);
    }

    /**
     * Options for a standalone connection to {@code host:port}, a node of the cluster the client {@code clientName}
     * talks to: the scheme ({@code redis}/{@code rediss}) and credentials of the client's first endpoint, as the Vert.x
     * cluster client does for the nodes it discovers, and the client's other settings.
     */
    public RedisOptions forNode(String clientName, String host, int port) {
        RedisOptions seed = byClient.get(clientName);
        if (seed == null) {
            LOG.warnf("GCache did not see the options of the Redis client %s; its connections to single masters (for "
                    + "watch-watermarks) use Vert.x defaults, without password or TLS", clientName);
        }
        RedisOptions options = seed == null ? new RedisOptions() : new RedisOptions(seed);
        String scheme = "redis";
        String userInfo = null;
        String seedHost = "127.0.0.1";
        if (seed != null && seed.getEndpoint() != null) {
            try {
                URI uri = URI.create(seed.getEndpoint());
                scheme = uri.getScheme() == null ? scheme : uri.getScheme();
                userInfo = uri.getRawUserInfo();
                seedHost = uri.getHost() == null ? seedHost : uri.getHost();
            } catch (IllegalArgumentException e) {
                // an endpoint Vert.x accepts but java.net.URI does not: keep the defaults, the options keep the password
            }
        }
        if (host == null || host.isEmpty() || host.equals("?")) {
            // CLUSTER SLOTS names no host (cluster-preferred-endpoint-type unknown-endpoint): the node is reached at
            // the address the client used, as the Vert.x cluster client does
            host = seedHost;
        }
        String address = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        String endpoint = scheme + "://" + (userInfo == null ? "" : userInfo + "@") + address + ":" + port;
        // one connection: the watch holds it for as long as the node is a master, and closes the client with it
        return options.setType(RedisClientType.STANDALONE).setEndpoints(new ArrayList<>(List.of(endpoint)))
                .setMaxPoolSize(1).setMaxPoolWaiting(1);
    }
}
