package io.quarkiverse.gcache.test.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisCluster;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R33 on Redis Cluster: every master runs out of memory ({@code maxmemory} reached, {@code noeviction}), so the
 * invalidations of entities on all three masters wait in the outbox, the oldest of them on one master. Then two masters
 * have memory again; the third still refuses writes. The entities on the two must be written at once, not after the
 * third recovers: before R33 a retry round stopped at its first (oldest) failure, so none of them was written while
 * that master refused.
 * <p>
 * A master that is up but refuses (out of memory, {@code -BUSY}, {@code -LOADING}, {@code -READONLY} during a failover)
 * is where one master holds up the others with this client. A master that is stopped or killed fails every command
 * of the Quarkus Redis cluster client, whatever its slot (it opens a connection to every master per command and reads
 * the slots from any node), until the cluster fails over: then the whole outbox waits, as it must.
 */
class OutboxHeadOfLineTest {

    static final PrivateRedisCluster CLUSTER = PrivateRedis.cluster(3);

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisCluster(Catalog.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", "250ms");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;

    static String watermark(String id) {
        return "{urn:item:" + id + "}#watermark";
    }

    static void memory(PrivateRedis master, boolean full) {
        master.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        master.call("CONFIG", "SET", "maxmemory", full ? "1" : "0");
    }

    @Test
    void entitiesOnOtherMastersAreWrittenWhileOneMasterRefuses() {
        CLUSTER.awaitHealthy();
        await().until(() -> runtime.subscriber().isSubscribed());
        // the broadcast goes to the channel's master after the watermark (R19): the refusing master is another one
        PrivateRedis channelMaster = CLUSTER.masterOf(runtime.invalidator().channel());
        PrivateRedis refusing = CLUSTER.masters().stream().filter(m -> m != channelMaster).findFirst().orElseThrow();
        List<PrivateRedis> others = CLUSTER.masters().stream().filter(m -> m != refusing).toList();
        String blocked = null;
        List<String> healthy = new ArrayList<>();
        Map<String, PrivateRedis> owners = new HashMap<>();
        for (int i = 0; blocked == null || healthy.size() < 6; i++) {
            String id = "hol-" + i;
            PrivateRedis owner = CLUSTER.masterOf(watermark(id));
            if (owner == refusing) {
                blocked = blocked == null ? id : blocked;
            } else if (healthy.size() < 6) {
                healthy.add(id);
                owners.put(id, owner);
            }
        }
        try {
            CLUSTER.masters().forEach(m -> memory(m, true));
            assertThat(gcache.invalidate("item", blocked)).isFalse(); // the oldest waiting entity
            for (String id : healthy) {
                assertThat(gcache.invalidate("item", id)).isFalse();
            }
            assertThat(runtime.invalidator().outbox().size()).isEqualTo(1 + healthy.size());

            others.forEach(m -> memory(m, false));
            long writable = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> healthy.stream()
                    .allMatch(id -> Long.valueOf(1).equals(owners.get(id).call("EXISTS", watermark(id)))));
            long written = System.nanoTime();
            // the outbox forgets an entry when Redis' reply to its write arrives, just after the write is visible
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.invalidator().outbox().size() == 1);
            assertThat(runtime.invalidator().outbox().isPending("{urn:item:" + blocked + "}")).isTrue();
            System.out.printf("GCACHE outbox head of line: %d waiting invalidations of entities on two masters written "
                    + "%d ms after those masters took writes again, while the oldest one, on the master that still "
                    + "refuses writes (out of memory), stays pending%n",
                    healthy.size(), TimeUnit.NANOSECONDS.toMillis(written - writable));
        } finally {
            CLUSTER.masters().forEach(m -> memory(m, false));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.invalidator().outbox().size() == 0);
        assertThat(refusing.call("EXISTS", watermark(blocked))).isEqualTo(1L);
    }
}
