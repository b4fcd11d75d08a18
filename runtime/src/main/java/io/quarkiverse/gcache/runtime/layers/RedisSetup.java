package io.quarkiverse.gcache.runtime.layers;

import java.time.Duration;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.redis.runtime.client.config.RedisConfig;

/**
 * What kind of Redis the REMOTE layer's client talks to, from the Quarkus Redis client's configuration (reference rule
 * R19): {@code client-type=cluster} switches the broadcasts to sharded pub/sub and makes {@code flushAll} scan every
 * master; {@code client-type=sentinel} needs {@code auto-failover=true} and a short {@code topology-cache-ttl}, which
 * GCache checks at startup.
 */
public record RedisSetup(boolean cluster) {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    /** The setup of the Redis client {@code clientName}; warns about a Sentinel client that does not follow failovers. */
    public static RedisSetup of(String clientName) {
        Config cfg = ConfigProvider.getConfig();
        String type = cfg.getOptionalValue(RedisConfig.getPropertyName(clientName, "client-type"), String.class)
                .orElse("standalone");
        if ("sentinel".equalsIgnoreCase(type)) {
            String autoFailover = RedisConfig.getPropertyName(clientName, "auto-failover");
            String topologyTtl = RedisConfig.getPropertyName(clientName, "topology-cache-ttl");
            boolean follows = cfg.getOptionalValue(autoFailover, Boolean.class).orElse(false);
            // Vert.x's default is 1 s; a topology read just before a failover sends reconnections to the old primary
            boolean fresh = cfg.getOptionalValue(topologyTtl, Duration.class).map(d -> d.toMillis() <= 100).orElse(false);
            if (!follows || !fresh) {
                LOG.warnf("GCache uses a Sentinel Redis client without %s=true and %s of at most 100ms: after a "
                        + "failover its connections, the invalidation subscription included, may stay on (or return to) "
                        + "the old primary until Sentinel turns it into a replica (about 10 s); invalidations published "
                        + "meanwhile on the new primary do not reach LOCAL. Set %s=true and %s=1ms (see the operating "
                        + "guide)", autoFailover, topologyTtl, autoFailover, topologyTtl);
            }
        }
        String replicas = RedisConfig.getPropertyName(clientName, "replicas");
        if ("cluster".equalsIgnoreCase(type) && !cfg.getOptionalValue(replicas, String.class).orElse("never")
                .equalsIgnoreCase("never")) {
            LOG.warnf("GCache reads a value with its watermark, which must come from the master (R6); %s lets the "
                    + "Redis client send reads to replicas, where a watermark may not have arrived yet: set it to never",
                    replicas);
        }
        return new RedisSetup("cluster".equalsIgnoreCase(type));
    }
}
