package io.quarkiverse.gcache.test;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application's default Redis client at the {@link PrivateRedis} of this JVM. */
public class PrivateRedisResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.redis.hosts", PrivateRedis.shared().uri(), "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // shared by every test of the JVM; stopped by its shutdown hook
    }
}
