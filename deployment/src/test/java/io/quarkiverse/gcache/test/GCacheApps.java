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
}
