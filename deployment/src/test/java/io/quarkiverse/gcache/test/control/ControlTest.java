package io.quarkiverse.gcache.test.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheControl.Source;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.control.RuntimeControl;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** reference: runtime control and R3: runtime overrides, validated, fleet-wide through Redis, loaded at startup. */
class ControlTest {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final String HASH = "gcache:overrides:urn";

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Bean.class)
            // Left by an earlier run of the fleet: must be in force as soon as this instance starts. Written just
            // before the start (not in a static block, which may run before other classes' tests flush Redis).
            .setBeforeAllCustomizer(() -> {
                REDIS.call("DEL", HASH);
                REDIS.call("HSET", HASH, "Preloaded#LOCAL", "|0");
            })
            .overrideConfigKey("quarkus.gcache.use-case.\"Controlled\".remote.ttl", "2m");

    @Inject
    GCache gcache;
    @Inject
    Bean bean;
    @Inject
    GCacheRuntime runtime;

    GCacheControl control() {
        return gcache.control();
    }

    @BeforeEach
    void reset() {
        control().clearOverride("Controlled", CacheLayer.LOCAL);
        control().clearOverride("Controlled", CacheLayer.REMOTE);
        bean.calls.set(0);
    }

    String call(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return bean.get(id);
        }
    }

    @Test
    void listsUseCasesWithEffectiveValuesAndTheirSources() {
        GCacheControl.UseCaseInfo info = control().useCase("Controlled");
        assertThat(info.keyType()).isEqualTo("k");
        assertThat(info.local()).isEqualTo(new GCacheControl.LayerInfo(Duration.ofMinutes(1), Source.ANNOTATION, 100,
                Source.ANNOTATION));
        assertThat(info.remote()).isEqualTo(new GCacheControl.LayerInfo(Duration.ofMinutes(2), Source.PROPERTIES, null,
                Source.NONE));
        assertThat(control().useCases()).extracting(GCacheControl.UseCaseInfo::name).containsExactly("Controlled",
                "Preloaded", "RemoteOnly");
        call("x");
        call("x");
        assertThat(control().useCase("Controlled").counters().get("LOCAL")).containsEntry("requests", 2L)
                .containsEntry("hits", 1L).containsEntry("misses", 1L);
    }

    @Test
    void anOverrideTakesEffectOnTheNextCallAndIsStoredForTheFleet() {
        call("a");
        call("a");
        assertThat(bean.calls).hasValue(1);

        control().override("Controlled", CacheLayer.LOCAL, null, 0); // kill switch
        call("a");
        call("a");
        assertThat(bean.calls).hasValue(3);
        assertThat(control().useCase("Controlled").local().rampSource()).isEqualTo(Source.OVERRIDE);
        assertThat(control().useCase("Controlled").local().ttlSource()).isEqualTo(Source.ANNOTATION);
        assertThat(REDIS.call("HGET", HASH, "Controlled#LOCAL")).isEqualTo("|0");

        control().clearOverride("Controlled", CacheLayer.LOCAL);
        // R27: an explicit clear is stored, so that other instances tell it from Redis losing the field
        assertThat(REDIS.call("HGET", HASH, "Controlled#LOCAL")).isEqualTo("|");
        assertThat(control().useCase("Controlled").local().rampSource()).isEqualTo(Source.ANNOTATION);
    }

    @Test
    void invalidOverridesChangeNothing() {
        GCacheControl.UseCaseInfo before = control().useCase("Controlled");
        assertThatThrownBy(() -> control().override("Nope", CacheLayer.LOCAL, null, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown use case 'Nope'")
                .hasMessageContaining("Controlled");
        assertThatThrownBy(() -> control().override("Controlled", CacheLayer.LOCAL, null, 101))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> control().override("Controlled", CacheLayer.LOCAL, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThat(control().useCase("Controlled").local()).isEqualTo(before.local());
        assertThat(REDIS.call("HGET", HASH, "Controlled#LOCAL")).as("as reset() left it").isEqualTo("|");
    }

    @Test
    void anOverrideMadeByAnotherInstanceArrivesWithinASecond() {
        REDIS.call("HSET", HASH, "Controlled#REMOTE", "600000|25");
        REDIS.call("PUBLISH", "gcache:control:urn", "Controlled#REMOTE");
        await().atMost(Duration.ofSeconds(1)).until(() -> control().useCase("Controlled").remote()
                .equals(new GCacheControl.LayerInfo(Duration.ofMinutes(10), Source.OVERRIDE, 25, Source.OVERRIDE)));
        // R27: another instance's explicit clear stores "|" (a field that vanished was lost, and is written back)
        REDIS.call("HSET", HASH, "Controlled#REMOTE", "|");
        REDIS.call("PUBLISH", "gcache:control:urn", "Controlled#REMOTE");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> control().useCase("Controlled").remote().rampSource() == Source.NONE);
    }

    /**
     * Shortening a LOCAL TTL at run time ages out the entries already held, at once: the dial works on what is cached,
     * not only on what comes next.
     */
    @Test
    void aShorterLocalTtlAppliesToTheEntriesAlreadyHeld() {
        call("held");
        int calls = bean.calls.get();
        assertThat(call("held")).isEqualTo("vheld");
        assertThat(bean.calls).as("a hit under the configured minute").hasValue(calls);
        control().override("Controlled", CacheLayer.LOCAL, Duration.ofMillis(300), null);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            call("held");
            return bean.calls.get() > calls;
        });
    }

    /**
     * Shortening a REMOTE TTL at run time applies to the values already in Redis, which keep the expiry they were
     * written with: the dial works on what the fleet has cached, not only on what comes next.
     */
    @Test
    void aShorterRemoteTtlAppliesToTheValuesAlreadyInRedis() {
        REDIS.call("DEL", "{urn:k:held}#RemoteOnly");
        try {
            callRemote("held");
            await().until(() -> Long.valueOf(1).equals(REDIS.call("EXISTS", "{urn:k:held}#RemoteOnly")));
            int calls = bean.calls.get();
            assertThat(callRemote("held")).isEqualTo("rheld");
            assertThat(bean.calls).as("a REMOTE hit under the configured 5 minutes").hasValue(calls);
            control().override("RemoteOnly", CacheLayer.REMOTE, Duration.ofMillis(300), null);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                callRemote("held");
                return bean.calls.get() > calls;
            });
        } finally {
            control().clearOverride("RemoteOnly", CacheLayer.REMOTE);
        }
    }

    String callRemote(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return bean.remoteOnly(id);
        }
    }

    /**
     * An announced override whose reload fails (here Redis answers WRONGTYPE) is not lost: the reload is retried until
     * it loads, so a fleet-wide change such as a kill switch reaches this instance once Redis answers again.
     */
    @Test
    void aReloadThatFailsIsRetriedUntilTheOverrideArrives() {
        announceWhileUnreadable(() -> assertThat(control().useCase("Controlled").remote().rampSource())
                .as("not loaded yet").isEqualTo(Source.NONE));
        await().atMost(Duration.ofSeconds(10)).until(() -> control().useCase("Controlled").remote()
                .equals(new GCacheControl.LayerInfo(Duration.ofMinutes(10), Source.OVERRIDE, 30, Source.OVERRIDE)));
    }

    /**
     * A change made on this instance while an announced reload is being retried does not make the retries drop what
     * they load: each attempt checks for local changes made during its own read only.
     */
    @Test
    void aLocalChangeDuringTheRetriesDoesNotStopTheAnnouncedOverride() {
        announceWhileUnreadable(() -> {
            // applied here, refused by Redis: this instance's state changed while the announced reload is retried
            assertThatThrownBy(() -> control().override("Controlled", CacheLayer.LOCAL, null, 50))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("this instance only");
            assertThat(control().useCase("Controlled").local().ramp()).isEqualTo(50);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> control().useCase("Controlled").remote()
                .equals(new GCacheControl.LayerInfo(Duration.ofMinutes(10), Source.OVERRIDE, 30, Source.OVERRIDE)));
    }

    /**
     * A kill switch set while Redis is down applies here at once (the caller learns it is not stored yet) and is not
     * undone when Redis comes back, whose first reload finds no such field: it is written for the fleet then.
     */
    @Test
    void aKillSwitchSetWhileRedisIsDownIsWrittenWhenRedisIsBack() {
        REDIS.stop();
        try {
            assertThatThrownBy(() -> control().override("Controlled", CacheLayer.REMOTE, null, 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("when Redis answers again");
            assertThat(control().useCase("Controlled").remote().ramp()).isZero();
        } finally {
            REDIS.start(); // empty: no persistence
            REDIS.call("HSET", HASH, "Preloaded#LOCAL", "|0"); // what the restart lost, for the other tests
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "|0".equals(REDIS.call("HGET", HASH, "Controlled#REMOTE")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            runtime.control().reload().await().atMost(Duration.ofSeconds(5));
            assertThat(control().useCase("Controlled").remote()).isEqualTo(
                    new GCacheControl.LayerInfo(Duration.ofMinutes(2), Source.PROPERTIES, 0, Source.OVERRIDE));
            assertThat(control().useCase("Preloaded").local().ramp()).isZero();
        });
    }

    /**
     * A change this instance could not write does not overwrite one another instance stored meanwhile (here the hash
     * refuses this instance's write, WRONGTYPE, while the other change waits aside): the fleet's change stands.
     */
    @Test
    void aPendingChangeDoesNotOverwriteOneAnotherInstanceStoredMeanwhile() {
        REDIS.call("DEL", HASH + ".aside");
        if (Long.valueOf(1).equals(REDIS.call("EXISTS", HASH))) {
            REDIS.call("COPY", HASH, HASH + ".aside");
        }
        REDIS.call("HSET", HASH + ".aside", "Controlled#LOCAL", "|30");
        REDIS.call("SET", HASH, "not a hash");
        try {
            assertThatThrownBy(() -> control().override("Controlled", CacheLayer.LOCAL, null, 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("when Redis answers again");
            assertThat(control().useCase("Controlled").local().ramp()).isZero();
        } finally {
            REDIS.call("DEL", HASH);
            REDIS.call("RENAME", HASH + ".aside", HASH);
            REDIS.call("PUBLISH", "gcache:control:urn", "Controlled#LOCAL");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(30).equals(control().useCase("Controlled")
                .local().ramp()));
        assertThat(REDIS.call("HGET", HASH, "Controlled#LOCAL")).isEqualTo("|30");
    }

    /**
     * Announces a new override of Controlled's REMOTE layer while the overrides hash cannot be read (a string in its
     * place: WRONGTYPE), runs {@code meanwhile} once a reload has failed, then puts the hash back with the override.
     */
    private void announceWhileUnreadable(Runnable meanwhile) {
        RuntimeControl runtimeControl = runtime.control();
        long failures = runtimeControl.reloadFailures();
        // the stored overrides plus the new one, aside until Redis answers again (an announcement of an earlier test's
        // change may still be reloading: it must not see the new override either)
        REDIS.call("DEL", HASH + ".aside");
        if (Long.valueOf(1).equals(REDIS.call("EXISTS", HASH))) {
            REDIS.call("COPY", HASH, HASH + ".aside");
        }
        REDIS.call("HSET", HASH + ".aside", "Controlled#REMOTE", "600000|30");
        REDIS.call("SET", HASH, "not a hash");
        try {
            REDIS.call("PUBLISH", "gcache:control:urn", "Controlled#REMOTE");
            await().atMost(Duration.ofSeconds(10)).until(() -> runtimeControl.reloadFailures() > failures);
            meanwhile.run();
        } finally {
            REDIS.call("DEL", HASH);
            REDIS.call("RENAME", HASH + ".aside", HASH);
        }
    }

    @Test
    void overridesStoredBeforeStartupAreLoaded() {
        assertThat(control().useCase("Preloaded").local()).isEqualTo(new GCacheControl.LayerInfo(Duration.ofMinutes(1),
                Source.ANNOTATION, 0, Source.OVERRIDE));
        try (GCache.Scope scope = gcache.enable()) {
            bean.preloaded("p");
            bean.preloaded("p");
        }
        assertThat(bean.calls).hasValue(2);
    }

    @Test
    void raisingARemoteTtlRaisesTheWatermarkTtl() {
        // above the 4 h minimum, so that the override is what sets it
        control().override("Controlled", CacheLayer.REMOTE, Duration.ofHours(5), 100);
        // No retry: once override() returns, reloads announced earlier (reset() clears overrides just before) can no
        // longer undo it on this instance.
        gcache.invalidate("k", "w");
        assertThat((Long) REDIS.call("PTTL", "{urn:k:w}#watermark")).isGreaterThan(Duration.ofMinutes(299).toMillis());
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "Controlled", localTtl = "1m", localRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return "v" + id;
        }

        @GCached(keyType = "k", id = "id", useCase = "RemoteOnly", remoteTtl = "5m", remoteRamp = 100)
        public String remoteOnly(String id) {
            calls.incrementAndGet();
            return "r" + id;
        }

        @GCached(keyType = "k", id = "id", useCase = "Preloaded", localTtl = "1m", localRamp = 100)
        public String preloaded(String id) {
            calls.incrementAndGet();
            return "p" + id;
        }
    }
}
