package io.quarkiverse.gcache.test.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisSentinel;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkiverse.gcache.test.faults.Load;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Sentinel (reference rule R19): the application reaches Redis through three sentinels ({@code client-type=sentinel},
 * master set {@code mymaster}, one primary and one replica). {@code SENTINEL FAILOVER} under load from 8 threads: no
 * call fails, every value is right, REMOTE is used again on the new primary, and the invalidation subscription moved
 * with the primary: LOCAL was resynced, and an invalidation published on the new primary reaches LOCAL.
 */
class SentinelFailoverTest {

    static final PrivateRedisSentinel SENTINEL = PrivateRedis.sentinel();

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisSentinel(Catalog.class, Load.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", "250ms")
            .overrideConfigKey("quarkus.redis.max-pool-size", "16")
            .overrideConfigKey("quarkus.redis.max-pool-waiting", "256");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @Test
    void aFailoverFailsNoCallAndRemoteAndTheSubscriptionMoveToTheNewPrimary() throws Exception {
        SENTINEL.awaitReady();
        List<UseCase> useCases = List.of(runtime.useCase("Both"), runtime.useCase("RemoteOnly"),
                runtime.useCase("Reactive"));
        await().until(() -> runtime.subscriber().isSubscribed());
        Load load = new Load(gcache, catalog, 8);
        PrivateRedis newPrimary;
        try {
            Load.awaitGrowth(useCases, Load::remoteServed, 200);
            long resyncs = runtime.invalidator().stats().resyncs();
            PrivateRedis oldPrimary = SENTINEL.primary();

            long started = System.nanoTime();
            newPrimary = SENTINEL.failover();
            long failedOver = System.nanoTime();
            assertThat(newPrimary.port()).isNotEqualTo(oldPrimary.port());

            // REMOTE serves every use case again, writing to the new primary
            newPrimary.call("DEL", "{urn:item:after-failover}#RemoteOnly");
            for (UseCase uc : useCases) {
                long before = Load.remoteServed(uc);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                        .until(() -> Load.remoteServed(uc) > before);
            }
            long remoteBack = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                try (GCache.Scope scope = gcache.enable()) {
                    catalog.remoteOnly("after-failover");
                }
                return newPrimary.call("EXISTS", "{urn:item:after-failover}#RemoteOnly").equals(1L);
            });
            // the subscription moved to the new primary (a gap, then a LOCAL resync)...
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> runtime.subscriber().isSubscribed() && runtime.invalidator().stats().resyncs() > resyncs
                            && ((List<?>) newPrimary.call("PUBSUB", "NUMSUB", runtime.invalidator().channel())).get(1)
                                    .equals(1L));
            long resubscribed = System.nanoTime();
            // ...usually with the client (auto-failover), before Sentinel turns the old primary into a replica and
            // disconnects its clients; on a loaded CI machine it once came only with that disconnect (~10 s), so this
            // is reported, not asserted: the guarantee is the resync above, whatever moved the subscription
            boolean oldStillPrimary = ((String) oldPrimary.call("INFO", "replication")).contains("role:master");
            System.out.printf("GCACHE sentinel failover: SENTINEL FAILOVER took %d ms (until the sentinels named the new "
                    + "primary); after it REMOTE served every use case again in %d ms and the subscription was back "
                    + "(LOCAL resynced) in %d ms (%s); %d calls so far%n",
                    TimeUnit.NANOSECONDS.toMillis(failedOver - started), TimeUnit.NANOSECONDS.toMillis(remoteBack - failedOver),
                    TimeUnit.NANOSECONDS.toMillis(resubscribed - failedOver),
                    oldStillPrimary ? "before the old primary was demoted" : "after the old primary was demoted",
                    load.calls.get());
        } finally {
            assertThat(load.stop()).isTrue();
        }
        assertThat(load.failures).hasValue(0);
        assertThat(load.wrong).hasValue(0);

        // an invalidation published on the new primary by another instance reaches this instance's LOCAL
        String id = "moved";
        catalog.names.put(id, "old");
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(catalog.longLocal(id)).isEqualTo("old");
        }
        catalog.names.put(id, "new");
        long heard = runtime.invalidator().stats().count("item", io.quarkiverse.gcache.CacheLayer.LOCAL);
        newPrimary.call("PUBLISH", runtime.invalidator().channel(), "other-instance|0|item|{urn:item:moved}");
        await().until(() -> runtime.invalidator().stats().count("item", io.quarkiverse.gcache.CacheLayer.LOCAL) > heard);
        newPrimary.call("DEL", "{urn:item:moved}#LongLocal");
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(catalog.longLocal(id)).isEqualTo("new");
        }
    }
}
