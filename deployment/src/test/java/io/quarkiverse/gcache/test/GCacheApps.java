package io.quarkiverse.gcache.test;

import io.quarkus.test.QuarkusUnitTest;

/** Builders for the QuarkusUnitTest applications of this module. */
public final class GCacheApps {

    private GCacheApps() {
    }

    /** An application with the given classes, its default Redis client on the private Redis (never :6379). */
    public static QuarkusUnitTest withRedis(Class<?>... classes) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(classes).addClasses(GCacheApps.class, PrivateRedis.class))
                .overrideConfigKey("quarkus.redis.hosts", PrivateRedis.shared().uri())
                .overrideConfigKey("quarkus.redis.devservices.enabled", "false");
    }

    /** An application whose default Redis client is a Cluster client on the private 3-master cluster (R19). */
    public static QuarkusUnitTest withRedisCluster(Class<?>... classes) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(classes).addClasses(GCacheApps.class, PrivateRedis.class,
                        PrivateRedisCluster.class))
                .overrideConfigKey("quarkus.redis.client-type", "cluster")
                .overrideConfigKey("quarkus.redis.hosts", PrivateRedis.cluster(3).hosts())
                .overrideConfigKey("quarkus.redis.devservices.enabled", "false");
    }

    /** An application whose default Redis client is a Sentinel client on the private sentinels (R19). */
    public static QuarkusUnitTest withRedisSentinel(Class<?>... classes) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(classes).addClasses(GCacheApps.class, PrivateRedis.class,
                        PrivateRedisSentinel.class))
                .overrideConfigKey("quarkus.redis.client-type", "sentinel")
                .overrideConfigKey("quarkus.redis.master-name", "mymaster")
                .overrideConfigKey("quarkus.redis.role", "master")
                // the client follows +switch-master at once, asking the sentinels afresh (the operating guide says why
                // GCache needs both)
                .overrideConfigKey("quarkus.redis.auto-failover", "true")
                .overrideConfigKey("quarkus.redis.topology-cache-ttl", "1ms")
                .overrideConfigKey("quarkus.redis.hosts", PrivateRedis.sentinel().hosts())
                .overrideConfigKey("quarkus.redis.devservices.enabled", "false");
    }
}
