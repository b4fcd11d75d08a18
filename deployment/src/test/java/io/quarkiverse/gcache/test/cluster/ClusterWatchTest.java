package io.quarkiverse.gcache.test.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisCluster;
import io.quarkiverse.gcache.test.invalidation.Profiles;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code invalidation.watch-watermarks} on a 3-master Redis Cluster (reference rules R17, R19, R8a): keyspace
 * notifications stay on the node that wrote the key, so a watermark set by a writer that publishes nothing (Python
 * gcache) must be heard on whichever master holds the entity; and a master whose notifications cannot be heard is an
 * invalidation gap, after which LOCAL is resynced.
 */
class ClusterWatchTest {

    static final PrivateRedisCluster CLUSTER = withKeyspaceEvents("K$");

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisCluster(Profiles.class, Profiles.Update.class)
            .overrideConfigKey("quarkus.gcache.invalidation.watch-watermarks", "true")
            .overrideConfigKey("quarkus.gcache.remote.timeout", "1s");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Profiles profiles;

    /** Keyspace notifications of string commands on every master, on before the application starts. */
    static PrivateRedisCluster withKeyspaceEvents(String flags) {
        PrivateRedisCluster cluster = PrivateRedis.cluster(3);
        cluster.awaitHealthy();
        cluster.masters().forEach(m -> m.call("CONFIG", "SET", "notify-keyspace-events", flags));
        return cluster;
    }

    @AfterAll
    static void keyspaceEventsOff() {
        // the cluster is shared by the JVM's other cluster tests, which do not expect notifications
        CLUSTER.masters().forEach(m -> m.call("CONFIG", "SET", "notify-keyspace-events", ""));
    }

    @BeforeEach
    void setUp() {
        CLUSTER.awaitHealthy();
        CLUSTER.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        profiles.source.clear();
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.subscriber().isSubscribed());
    }

    String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.get(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two ids per master whose entity ({@code {urn:user_id:<id>}}) lives on that master. */
    static List<String> idsOnEveryMaster(String stem) {
        List<String> ids = new ArrayList<>();
        for (PrivateRedis master : CLUSTER.masters()) {
            int found = 0;
            for (int i = 0; found < 2; i++) {
                String id = stem + i;
                if (!ids.contains(id) && CLUSTER.masterOf(entity(id)).port() == master.port()) {
                    ids.add(id);
                    found++;
                }
            }
        }
        return ids;
    }

    static String entity(String id) {
        return "{urn:user_id:" + id + "}";
    }

    /** What Python gcache does to invalidate: a plain SET of the watermark (epoch ms of the node), no publish. */
    @SuppressWarnings("unchecked")
    static void setWatermarkLikePythonGcache(String id) {
        PrivateRedis master = CLUSTER.masterOf(entity(id));
        List<String> time = (List<String>) master.call("TIME");
        long nowMillis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        master.call("SET", entity(id) + "#watermark", String.valueOf(nowMillis));
    }

    /** Reads each id twice: the second read comes from LOCAL (the method does not run). */
    void fillLocal(List<String> ids, String value) {
        for (String id : ids) {
            profiles.source.put(id, value);
            assertThat(read(id)).isEqualTo(value);
        }
        int reads = profiles.reads.get();
        for (String id : ids) {
            assertThat(read(id)).isEqualTo(value);
        }
        assertThat(profiles.reads).as("second reads served by LOCAL").hasValue(reads);
    }

    @Test
    void aWatermarkSetOnAnyMasterWithoutPublishDropsLocalEntries() {
        List<String> ids = idsOnEveryMaster("w");
        assertThat(ids).hasSize(6);
        fillLocal(ids, "old");

        for (String id : ids) {
            profiles.source.put(id, "new");
            setWatermarkLikePythonGcache(id);
        }
        for (String id : ids) {
            await("entity " + id + " of master " + CLUSTER.masterOf(entity(id)).port())
                    .atMost(Duration.ofSeconds(5)).until(() -> read(id).equals("new"));
        }
    }

    @Test
    void aMasterWhoseWatchIsLostIsAGapThenLocalIsResyncedAndTheMasterHeardAgain() {
        List<String> ids = idsOnEveryMaster("g");
        String id = ids.get(ids.size() - 1);
        PrivateRedis master = CLUSTER.masterOf(entity(id));
        fillLocal(List.of(id), "old");
        // the value changes and REMOTE no longer has it: only a LOCAL resync makes the method run again
        profiles.source.put(id, "new");
        master.call("DEL", entity(id) + "#Profile");
        assertThat(read(id)).isEqualTo("old");

        // one watch connection per master, apart from the sharded subscription (which a master's loss also ends)
        for (PrivateRedis m : CLUSTER.masters()) {
            assertThat(m.clients()).as("watch connections on master %d", m.port())
                    .filteredOn(c -> "1".equals(c.get("psub")) && "0".equals(c.getOrDefault("ssub", "0"))).hasSize(1);
        }
        // this master's watch connection is cut; the subscription to the invalidation channel is untouched
        List<Map<String, String>> watchers = master.clients().stream().filter(c -> "1".equals(c.get("psub"))).toList();
        long resyncs = runtime.invalidator().stats().resyncs();
        master.call("CLIENT", "KILL", "ID", watchers.get(0).get("id"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> runtime.invalidator().stats().resyncs() > resyncs && runtime.subscriber().isSubscribed());
        assertThat(read(id)).isEqualTo("new");

        // reconnected: a watermark on that master is heard again
        assertThat(read(id)).isEqualTo("new"); // LOCAL
        profiles.source.put(id, "newer");
        setWatermarkLikePythonGcache(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> read(id).equals("newer"));
    }
}
