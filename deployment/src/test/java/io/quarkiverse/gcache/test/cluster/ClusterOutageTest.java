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
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.PrivateRedisCluster;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkiverse.gcache.test.faults.Load;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A master of the Redis Cluster dies under load (reference rules R19, R10, R8a): 8 threads call a LOCAL+REMOTE, a
 * REMOTE-only and a reactive use case while the master that carries the invalidation channel is SIGKILLed and, once
 * the cluster has noticed, started again (it rejoins with its slots, empty). No call fails, every value is right,
 * REMOTE serves every use case again afterwards, and the invalidation subscription was re-established on the
 * restarted master with a LOCAL resync.
 */
class ClusterOutageTest {

    static final PrivateRedisCluster CLUSTER = PrivateRedis.cluster(3);

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedisCluster(Catalog.class, Load.class)
            .overrideConfigKey("quarkus.gcache.remote.timeout", "250ms")
            // one pooled connection per master for each busy thread, plus the subscriber's
            .overrideConfigKey("quarkus.redis.max-pool-size", "16")
            .overrideConfigKey("quarkus.redis.max-pool-waiting", "256");

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @Test
    void noCallFailsWhenAMasterDiesAndRemoteIsUsedAgainAfterItsRestart() throws Exception {
        CLUSTER.awaitHealthy();
        List<UseCase> useCases = List.of(runtime.useCase("Both"), runtime.useCase("RemoteOnly"),
                runtime.useCase("Reactive"));
        await().until(() -> runtime.subscriber().isSubscribed());
        Load load = new Load(gcache, catalog, 8);
        PrivateRedis victim = CLUSTER.masterOf(runtime.invalidator().channel());
        try {
            Load.awaitGrowth(useCases, Load::remoteServed, 200);
            long resyncs = runtime.invalidator().stats().resyncs();
            long errorsBefore = useCases.stream().mapToLong(uc -> uc.stats().errors(StatLayer.REMOTE)).sum();

            victim.kill();
            long killed = System.nanoTime();
            // the subscription, which needs every master, is lost at once; calls keep being served by the method
            await().atMost(Duration.ofSeconds(20)).until(() -> !runtime.subscriber().isSubscribed());
            // the cluster notices (node timeout) and refuses every slot (cluster_state:fail, full coverage)
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> CLUSTER.masters()
                    .stream().filter(m -> m != victim).allMatch(m -> ((String) m.call("CLUSTER", "INFO"))
                            .contains("cluster_state:fail")));
            Load.awaitGrowth(useCases, uc -> uc.stats().errors(StatLayer.REMOTE)
                    + uc.stats().disabledCount(StatLayer.REMOTE,
                            io.quarkiverse.gcache.runtime.metrics.DisabledReason.SERVER_DOWN),
                    100);

            victim.start();
            long restarted = System.nanoTime();
            CLUSTER.awaitHealthy();
            long healthy = System.nanoTime();
            for (UseCase uc : useCases) {
                long before = Load.remoteServed(uc);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                        .until(() -> Load.remoteServed(uc) > before);
            }
            long remoteBack = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> runtime.subscriber().isSubscribed() && runtime.invalidator().stats().resyncs() > resyncs);
            long resubscribed = System.nanoTime();
            System.out.printf("GCACHE cluster outage: master %d down %d ms; after its restart the cluster was ok in %d "
                    + "ms, REMOTE served every use case again in %d ms, the subscription was back (LOCAL resynced) in "
                    + "%d ms; %d calls so far, REMOTE errors during the outage %d%n",
                    victim.port(), TimeUnit.NANOSECONDS.toMillis(restarted - killed),
                    TimeUnit.NANOSECONDS.toMillis(healthy - restarted), TimeUnit.NANOSECONDS.toMillis(remoteBack - restarted),
                    TimeUnit.NANOSECONDS.toMillis(resubscribed - restarted), load.calls.get(),
                    useCases.stream().mapToLong(uc -> uc.stats().errors(StatLayer.REMOTE)).sum() - errorsBefore);
        } finally {
            assertThat(load.stop()).isTrue();
        }
        assertThat(load.failures).hasValue(0);
        assertThat(load.wrong).hasValue(0);
        assertThat(load.calls.get()).isPositive();
    }

}
