package io.quarkiverse.gcache.test.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationSubscriber;
import io.quarkiverse.gcache.runtime.invalidation.Invalidator;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisCluster;
import io.quarkiverse.gcache.test.invalidation.Profiles;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * Redis Cluster (reference rule R19), on a private 3-master cluster through {@code client-type=cluster}: read-through
 * with values spread over the masters, invalidation in both directions between this application and a second
 * instance (the extension's own REMOTE layer, invalidator and subscriber over a second cluster client) through
 * sharded pub/sub, runtime overrides announced to the fleet, and {@code flushAll} on every master.
 */
class ClusterTest {

    static final PrivateRedisCluster CLUSTER = PrivateRedis.cluster(3);
    static final String CHANNEL = "gcache:invalidations:urn";
    static final String CONTROL = "gcache:control:urn";

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisCluster(Profiles.class)
            // a cold cluster client connects to each master on first use, and a miss makes several round trips (read,
            // lease, write, release): 250 ms was once exceeded on a loaded CI machine, and the value went unstored
            .overrideConfigKey("quarkus.gcache.remote.timeout", "1s");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Profiles profiles;
    @Inject
    io.vertx.core.Vertx vertx;

    /** The second instance: what GCache runs for invalidation, over its own cluster client. */
    Redis otherClient;
    Invalidator other;
    InvalidationSubscriber otherSubscriber;
    final AtomicInteger otherControlMessages = new AtomicInteger();

    @BeforeEach
    void setUp() {
        CLUSTER.awaitHealthy();
        CLUSTER.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        profiles.source.clear();
        profiles.reads.set(0);
        await().until(() -> runtime.subscriber().isSubscribed());
        otherClient = Redis.createClient(new io.vertx.mutiny.core.Vertx(vertx), new RedisOptions()
                .setType(RedisClientType.CLUSTER).setEndpoints(List.of(CLUSTER.hosts().split(","))));
        RemoteLayer otherRemote = new RemoteLayer(otherClient, Duration.ofMillis(500), 1 << 20, true);
        other = new Invalidator("urn", List.of(), otherRemote, new InvalidationLog(TimeUnit.HOURS.toNanos(1)),
                Duration.ofHours(4));
        otherSubscriber = new InvalidationSubscriber(otherClient, vertx, other, CONTROL,
                otherControlMessages::incrementAndGet, Duration.ofMillis(500), null);
        otherSubscriber.start();
        await().until(otherSubscriber::isSubscribed);
    }

    @AfterEach
    void tearDown() {
        otherSubscriber.stop();
        otherClient.close();
    }

    private static long commandCalls(PrivateRedis node, String command) {
        for (String line : ((String) node.call("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                int start = line.indexOf("calls=") + 6;
                return Long.parseLong(line.substring(start, line.indexOf(',', start)));
            }
        }
        return 0;
    }

    String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.get(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void valuesSpreadOverTheMastersAndAreReadBackWithTheirWatermarkInOneRoundTrip() {
        UseCase uc = runtime.useCase("Profile");
        for (int i = 0; i < 60; i++) {
            profiles.source.put("s" + i, "name-" + i);
            read("s" + i);
        }
        await().until(() -> CLUSTER.keys().stream().filter(k -> k.endsWith("#Profile")).count() == 60);
        for (PrivateRedis master : CLUSTER.masters()) {
            assertThat(master.keys()).as("keys of master %d", master.port()).anyMatch(k -> k.endsWith("#Profile"));
        }
        // watermarks of a third of the entities, so reads fetch value and watermark from one slot
        for (int i = 0; i < 60; i += 3) {
            assertThat(other.invalidate("user_id", "s" + i, Duration.ZERO).await().atMost(Duration.ofSeconds(5))).isNull();
        }
        uc.localLayer().clear();
        CLUSTER.masters().forEach(m -> m.call("CONFIG", "RESETSTAT"));
        long remoteErrors = uc.stats().errors(StatLayer.REMOTE);
        long remoteRequests = uc.stats().requests(StatLayer.REMOTE);
        int reads = profiles.reads.get();
        for (int i = 0; i < 60; i++) {
            assertThat(read("s" + i)).isEqualTo("name-" + i);
        }
        assertThat(uc.stats().requests(StatLayer.REMOTE) - remoteRequests).isEqualTo(60);
        // every read asked the key's own master for its time (R6a: the clock of the node that writes the watermark;
        // no sample of one node's clock serves another's keys)
        assertThat(CLUSTER.masters().stream().mapToLong(m -> commandCalls(m, "mget")).sum()).isEqualTo(60);
        for (PrivateRedis master : CLUSTER.masters()) {
            assertThat(commandCalls(master, "time")).as("TIME on master %d", master.port())
                    .isEqualTo(commandCalls(master, "mget"));
        }
        // the 20 invalidated entities were recomputed (stale), the 40 others came from REMOTE
        assertThat(profiles.reads.get() - reads).isEqualTo(20);
        assertThat(uc.stats().errors(StatLayer.REMOTE) - remoteErrors).isZero();
    }

    @Test
    void invalidationsTravelBetweenInstancesOverShardedPubSub() {
        // this instance's LOCAL has the value; the other instance invalidates it
        profiles.source.put("a", "old");
        assertThat(read("a")).isEqualTo("old");
        profiles.source.put("a", "new");
        assertThat(read("a")).isEqualTo("old"); // LOCAL
        long heard = runtime.invalidator().stats().count("user_id", CacheLayer.LOCAL);
        other.invalidate("user_id", "a", Duration.ZERO).await().atMost(Duration.ofSeconds(5));
        await().until(() -> runtime.invalidator().stats().count("user_id", CacheLayer.LOCAL) > heard);
        assertThat(read("a")).isEqualTo("new");

        // and the other way round
        long otherHeard = other.stats().count("user_id", CacheLayer.LOCAL);
        assertThat(gcache.invalidate("user_id", "b")).isTrue();
        await().until(() -> other.stats().count("user_id", CacheLayer.LOCAL) > otherHeard);

        // sharded: both instances subscribed with SSUBSCRIBE on the channel's master, nobody with SUBSCRIBE
        PrivateRedis shard = CLUSTER.masterOf(CHANNEL);
        assertThat((List<?>) shard.call("PUBSUB", "SHARDNUMSUB", CHANNEL)).element(1).isEqualTo(2L);
        for (PrivateRedis master : CLUSTER.masters()) {
            assertThat((List<?>) master.call("PUBSUB", "NUMSUB", CHANNEL)).element(1).isEqualTo(0L);
        }
    }

    @Test
    void theSubscriptionFollowsTheChannelsSlotToAnotherMaster() {
        PrivateRedis from = CLUSTER.masterOf(CHANNEL);
        PrivateRedis to = CLUSTER.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
        long resyncs = runtime.invalidator().stats().resyncs();
        moveSlot(CHANNEL, from, to);
        try {
            // Redis ends the shard subscriptions of the moved slot (sunsubscribe): a gap, then a subscription on the
            // new master and a LOCAL resync
            await().until(() -> runtime.invalidator().stats().resyncs() > resyncs && runtime.subscriber().isSubscribed()
                    && otherSubscriber.isSubscribed());
            assertThat((List<?>) to.call("PUBSUB", "SHARDNUMSUB", CHANNEL)).element(1).isEqualTo(2L);
            profiles.source.put("m", "old");
            assertThat(read("m")).isEqualTo("old");
            profiles.source.put("m", "new");
            long heard = runtime.invalidator().stats().count("user_id", CacheLayer.LOCAL);
            other.invalidate("user_id", "m", Duration.ZERO).await().atMost(Duration.ofSeconds(5));
            await().until(() -> runtime.invalidator().stats().count("user_id", CacheLayer.LOCAL) > heard);
            assertThat(read("m")).isEqualTo("new");
        } finally {
            moveSlot(CHANNEL, to, from);
            await().until(() -> runtime.subscriber().isSubscribed() && otherSubscriber.isSubscribed()
                    && ((List<?>) from.call("PUBSUB", "SHARDNUMSUB", CHANNEL)).get(1).equals(2L));
        }
    }

    /** Moves the (keyless) slot of {@code key} from one master to another, as {@code redis-cli --cluster reshard}. */
    @SuppressWarnings("unchecked")
    static void moveSlot(String key, PrivateRedis from, PrivateRedis to) {
        String slot = String.valueOf(from.call("CLUSTER", "KEYSLOT", key));
        String fromId = (String) from.call("CLUSTER", "MYID");
        String toId = (String) to.call("CLUSTER", "MYID");
        to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
        from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
        for (Object k : (List<Object>) from.call("CLUSTER", "GETKEYSINSLOT", slot, "1000")) {
            from.call("MIGRATE", "127.0.0.1", String.valueOf(to.port()), (String) k, "0", "5000");
        }
        for (PrivateRedis m : CLUSTER.masters()) {
            m.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
        }
        CLUSTER.awaitHealthy();
    }

    @Test
    void runtimeOverridesAreStoredAndAnnouncedToTheFleet() {
        int before = otherControlMessages.get();
        gcache.control().override("Profile", CacheLayer.REMOTE, Duration.ofMinutes(3), 50);
        try {
            await().until(() -> otherControlMessages.get() > before);
            assertThat(CLUSTER.masterOf("gcache:overrides:urn").call("HGET", "gcache:overrides:urn", "Profile#REMOTE"))
                    .isEqualTo("180000|50");
            assertThat(runtime.control().reload().await().atMost(Duration.ofSeconds(5))).isNull();
            assertThat(gcache.control().useCase("Profile").remote().ramp()).isEqualTo(50);
        } finally {
            gcache.control().clearOverride("Profile", CacheLayer.REMOTE);
        }
        // R27: an explicit clear is stored as "|", told apart from a loss
        await().until(() -> "|".equals(CLUSTER.masterOf("gcache:overrides:urn").call("HGET", "gcache:overrides:urn",
                "Profile#REMOTE")));
    }

    @Test
    void flushAllEmptiesEveryMasterOfThisPrefixOnly() {
        for (int i = 0; i < 200; i++) {
            profiles.source.put("f" + i, "v" + i);
            read("f" + i);
        }
        for (int i = 0; i < 30; i++) {
            String key = "{other:" + i + "}#Profile";
            CLUSTER.masterOf(key).call("SET", key, "python's");
        }
        other.invalidate("user_id", "f1", Duration.ZERO).await().atMost(Duration.ofSeconds(5));
        // 200 values and their entities' 200 watermarks (R25: a read creates the watermark its entity lacks)
        await().until(() -> CLUSTER.keys().stream().filter(k -> k.startsWith("{urn:")).count() == 400);
        for (PrivateRedis master : CLUSTER.masters()) {
            assertThat(master.keys()).anyMatch(k -> k.startsWith("{urn:"));
        }

        long t0 = System.nanoTime();
        gcache.flushAll();
        System.out.printf("GCACHE cluster flushAll: 400 keys of the prefix among 430 on %d masters, deleted in %d ms%n",
                CLUSTER.masters().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        for (PrivateRedis master : CLUSTER.masters()) {
            assertThat(master.keys()).as("keys of master %d", master.port()).noneMatch(k -> k.startsWith("{urn:"));
        }
        assertThat(CLUSTER.keys().stream().filter(k -> k.startsWith("{other:"))).hasSize(30);
        int reads = profiles.reads.get();
        read("f2");
        assertThat(profiles.reads.get()).isEqualTo(reads + 1);
    }
}
