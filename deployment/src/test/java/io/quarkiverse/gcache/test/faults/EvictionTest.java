package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R25: a Redis used as a cache evicts under memory pressure, and an eviction never makes an invalidated value trusted
 * again. Hot values whose entities were renamed (watermark written) survive a flood of other data, while the young,
 * cold watermarks that guard them are evicted first (LFU) or by approximation (LRU). Before, every such value served
 * the old name (7 of 40 in the outside test); now a value whose entity has no watermark is not trusted.
 */
class EvictionTest {

    static final int USERS = 40;
    static final int HOT_READS = 30;
    static final String PORT = "gcache.test.eviction.port";

    static final PrivateRedis REDIS = evictingRedis();

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class, Catalog.Profile.class)
            .overrideConfigKey("quarkus.redis.hosts", REDIS.uri());

    @Inject
    GCache gcache;
    @Inject
    Catalog catalog;

    /** A server of its own with a 16 MB memory limit, found again by port when QuarkusUnitTest reloads this class. */
    static PrivateRedis evictingRedis() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT);
            if (port != null) {
                return PrivateRedis.node(Integer.parseInt(port));
            }
            int free = PrivateRedis.freePort();
            System.setProperty(PORT, String.valueOf(free));
            return PrivateRedis.startNode(free, List.of("--maxmemory", "16mb", "--maxmemory-policy", "allkeys-lfu"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "allkeys-lfu", "allkeys-lru", "volatile-lfu", "allkeys-random" })
    void noInvalidatedValueIsServedAfterRedisEvictedItsWatermark(String policy) {
        REDIS.flushAll();
        REDIS.call("CONFIG", "SET", "maxmemory-policy", policy);
        REDIS.call("CONFIG", "SET", "lfu-log-factor", "0");
        String prefix = policy + "-";
        for (int u = 0; u < USERS; u++) {
            catalog.names.put(prefix + u, "old-" + u);
            for (int r = 0; r < HOT_READS; r++) { // hot values: a high LFU counter, recently used
                read(prefix + u);
            }
        }
        for (int u = 0; u < USERS; u++) {
            catalog.rename(prefix + u, "new-" + u); // @GCacheInvalidate: a new, cold watermark
        }
        long watermarksBefore = countWatermarks();
        flood();
        long watermarksLeft = countWatermarks();
        long valuesLeft = REDIS.keys().stream().filter(k -> k.contains(prefix) && k.endsWith("#RemoteOnly")).count();
        int readsBefore = catalog.reads.get();
        int stale = 0;
        for (int u = 0; u < USERS; u++) {
            if (!read(prefix + u).equals("new-" + u)) {
                stale++;
            }
        }
        int computed = catalog.reads.get() - readsBefore;
        int secondRound = catalog.reads.get();
        for (int u = 0; u < USERS; u++) {
            read(prefix + u);
        }
        int hitsAfter = USERS - (catalog.reads.get() - secondRound);
        System.out.printf("GCACHE eviction (%s, maxmemory 16mb): %d of %d watermarks evicted, %d hot values survived, "
                + "%d stale reads of %d, %d recomputed after the flood, then %d of %d REMOTE hits%n", policy,
                watermarksBefore - watermarksLeft, watermarksBefore, valuesLeft, stale, USERS, computed, hitsAfter, USERS);
        assertThat(stale).as("reads that served the old name after the rename").isZero();
        assertThat(hitsAfter).as("values recomputed after the flood are cached again").isEqualTo(USERS);
    }

    /** The same without a flood: every watermark deleted by hand (an eviction, an expiry, a careless DEL). */
    @org.junit.jupiter.api.Test
    void aDeletedWatermarkNeverResurrectsTheValuesItGuarded() {
        REDIS.flushAll();
        for (int u = 0; u < USERS; u++) {
            catalog.names.put("del-" + u, "old-" + u);
            read("del-" + u);
            catalog.rename("del-" + u, "new-" + u);
        }
        REDIS.keys().stream().filter(k -> k.endsWith("#watermark")).forEach(k -> REDIS.call("DEL", k));
        int stale = 0;
        for (int u = 0; u < USERS; u++) {
            stale += read("del-" + u).equals("new-" + u) ? 0 : 1;
        }
        System.out.printf("GCACHE deleted watermarks: %d stale reads of %d%n", stale, USERS);
        assertThat(stale).isZero();
    }

    private String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return catalog.remoteOnly(id);
        }
    }

    private long countWatermarks() {
        return REDIS.keys().stream().filter(k -> k.endsWith("#watermark")).count();
    }

    /** Writes about three times maxmemory of other data, so that Redis evicts (before each script it runs). */
    private static void flood() {
        String filler = "f".repeat(1024);
        for (int chunk = 0; chunk < 48; chunk++) {
            REDIS.call("EVAL",
                    "for i = 1, 1024 do redis.call('SET', 'flood:' .. ARGV[1] .. ':' .. i, ARGV[2], 'PX', 600000) end", "0",
                    String.valueOf(chunk), filler);
        }
    }
}
