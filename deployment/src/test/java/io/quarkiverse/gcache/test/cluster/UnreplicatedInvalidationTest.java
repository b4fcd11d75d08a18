package io.quarkiverse.gcache.test.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisSentinel;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R26: an invalidation survives a failover that loses the primary's last writes. Replication is asynchronous: a
 * watermark written to a primary that dies before its replica got it is gone, while the value it invalidates,
 * replicated long before, is still there. Here the replica is held (SIGSTOP) while an entity is renamed, the primary is
 * killed, and the replica is promoted. Before, {@code invalidate()} returned {@code true}, nothing retried, and the
 * new primary served the old name; now the write waits for a replica ({@code WAIT 1}), and an invalidation that no
 * replica acknowledged stays in the outbox until it is written again, on the new primary.
 */
class UnreplicatedInvalidationTest {

    static final PrivateRedisSentinel SENTINEL = PrivateRedis.sentinel();

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisSentinel(Catalog.class, Catalog.Profile.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", "250ms");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @Test
    void anInvalidationNoReplicaAcknowledgedIsWrittenAgainOnThePromotedReplica() {
        SENTINEL.awaitReady();
        String id = "replicated-" + System.nanoTime();
        String key = "{urn:item:" + id + "}#RemoteOnly";
        catalog.names.put(id, "old");
        assertThat(read(id)).isEqualTo("old");
        PrivateRedis primary = SENTINEL.primary();
        PrivateRedis replica = SENTINEL.replica();
        await().atMost(Duration.ofSeconds(10)).until(() -> replica.call("EXISTS", key).equals(1L));

        // Hold the replication link: SIGSTOP the replica, then fill the socket buffers between the two with 32 MB, so
        // that what the primary writes next stays in its own output buffer and dies with it.
        replica.pause();
        boolean written;
        try {
            primary.call("EVAL", "for i = 1, 32 do redis.call('SET', 'junk:' .. i, string.rep('x', 1048576)) end", "0");
            catalog.names.put(id, "new");
            written = gcache.invalidate("item", id);
            primary.kill(); // dies before replicating the watermark
        } finally {
            replica.resume();
        }
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> SENTINEL.primary().port() == replica.port()
                        && ((String) replica.call("INFO", "replication")).contains("role:master"));
        long promoted = System.nanoTime();

        // read until REMOTE serves again from the new primary and the outbox is empty: never the old name
        UseCase uc = runtime.useCase("RemoteOnly");
        List<String> seen = new ArrayList<>();
        long remoteBefore = uc.stats().requests(StatLayer.REMOTE);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            seen.add(read(id));
            return uc.stats().requests(StatLayer.REMOTE) > remoteBefore + 2 && runtime.invalidator().outbox().size() == 0;
        });
        long stale = seen.stream().filter("old"::equals).count();
        System.out.printf("GCACHE unreplicated invalidation: invalidate() returned %s; replica promoted in %d ms; %d "
                + "reads after the failover, %d stale; watermark on the new primary: %s%n", written,
                TimeUnit.NANOSECONDS.toMillis(promoted - t0), seen.size(), stale, replica.call("EXISTS",
                        "{urn:item:" + id + "}#watermark"));
        assertThat(written).as("no replica acknowledged the watermark: not reported as written").isFalse();
        assertThat(stale).as("reads that served the old name after the failover").isZero();
        assertThat(read(id)).isEqualTo("new");

        // the old primary comes back as a replica of the new one, for the tests after this one
        replica.call("EVAL", "for i = 1, 32 do redis.call('DEL', 'junk:' .. i) end", "0");
        primary.start();
        SENTINEL.awaitReady();
    }

    private String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return catalog.remoteOnly(id);
        }
    }
}
