package io.quarkiverse.gcache.test.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheControl.Source;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R27: a kill switch is undone only by an explicit act, never because Redis lost the overrides hash (a restart without
 * persistence, FLUSHALL): the instance keeps it in force and writes it back. The kill switch is set as an operator or
 * another instance would: in the hash, then announced.
 */
class DurableOverridesTest {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final String HASH = "gcache:overrides:urn";
    static final String CHANNEL = "gcache:control:urn";

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Bean.class)
            // this instance starts while Redis holds no override
            .setBeforeAllCustomizer(() -> REDIS.call("DEL", HASH))
            .overrideConfigKey("quarkus.gcache.use-case.\"GetUser\".local.ttl", "10m")
            .overrideConfigKey("quarkus.gcache.use-case.\"GetUser\".remote.ttl", "10m");

    @Inject
    GCache gcache;
    @Inject
    Bean bean;
    @Inject
    GCacheRuntime runtime;

    /** What the periodic check does (R27), at once. */
    void reload() {
        runtime.control().reload().await().atMost(Duration.ofSeconds(5));
    }

    @AfterEach
    void clear() {
        gcache.control().clearOverride("GetUser", CacheLayer.LOCAL);
        gcache.control().clearOverride("GetUser", CacheLayer.REMOTE);
    }

    /** Runs of the method for 10 reads of one user: 10 with the kill switch on, 1 (or 0) with caching on. */
    int queriesPer10Reads(String id) {
        int before = bean.calls.get();
        for (int i = 0; i < 10; i++) {
            try (GCache.Scope scope = gcache.enable()) {
                assertThat(bean.get(id)).isEqualTo("u" + id);
            }
        }
        return bean.calls.get() - before;
    }

    /** The kill switch of GetUser, LOCAL and REMOTE, through the hash and its control message; returns once in force. */
    void killSwitch() {
        REDIS.call("HSET", HASH, "GetUser#LOCAL", "|0");
        REDIS.call("HSET", HASH, "GetUser#REMOTE", "|0");
        REDIS.call("PUBLISH", CHANNEL, "GetUser#LOCAL");
        REDIS.call("PUBLISH", CHANNEL, "GetUser#REMOTE");
        await().atMost(Duration.ofSeconds(5)).until(this::off);
    }

    boolean off() {
        GCacheControl.UseCaseInfo info = gcache.control().useCase("GetUser");
        return Integer.valueOf(0).equals(info.local().ramp()) && info.local().rampSource() == Source.OVERRIDE
                && Integer.valueOf(0).equals(info.remote().ramp()) && info.remote().rampSource() == Source.OVERRIDE;
    }

    boolean writtenBack() {
        return "|0".equals(REDIS.call("HGET", HASH, "GetUser#LOCAL"))
                && "|0".equals(REDIS.call("HGET", HASH, "GetUser#REMOTE"));
    }

    /** Started while Redis held no override (and none since): the configured values apply, nothing is written. */
    @Test
    void withoutOverridesInRedisTheConfiguredValuesApplyAndNothingIsWrittenBack() {
        REDIS.call("DEL", HASH);
        reload();
        assertThat(REDIS.call("EXISTS", HASH)).isEqualTo(0L);
        GCacheControl.UseCaseInfo info = gcache.control().useCase("GetUser");
        assertThat(info.local()).isEqualTo(new GCacheControl.LayerInfo(Duration.ofMinutes(10), Source.PROPERTIES, 100,
                Source.ANNOTATION));
        assertThat(info.remote().ttlSource()).isEqualTo(Source.PROPERTIES);
        assertThat(queriesPer10Reads("start")).isEqualTo(1);
    }

    @Test
    void theKillSwitchSurvivesARedisRestartWithoutPersistence() {
        assertThat(queriesPer10Reads("1")).as("caching on").isEqualTo(1);
        killSwitch();
        int before = queriesPer10Reads("1");
        assertThat(before).as("kill switch on").isEqualTo(10);

        long t0 = System.nanoTime();
        try {
            REDIS.call("SHUTDOWN", "NOSAVE");
        } catch (RuntimeException e) {
            // the server closes the connection instead of answering
        }
        REDIS.stop(); // the process is gone already; forgets it
        REDIS.start(); // empty: nothing was saved
        assertThat(REDIS.call("EXISTS", HASH)).as("Redis lost the overrides").isEqualTo(0L);

        await().atMost(Duration.ofSeconds(30)).until(this::writtenBack);
        long restoredMillis = (System.nanoTime() - t0) / 1_000_000;
        // a reload now (as after the resync that follows the restart) loads the written-back kill switch
        reload();
        assertThat(off()).as("still off after the restart").isTrue();
        int after = queriesPer10Reads("1");
        System.out.printf("GCACHE R27 SHUTDOWN NOSAVE + restart: queries per 10 reads %d before, %d after; overrides "
                + "written back %d ms after the shutdown%n", before, after, restoredMillis);
        assertThat(after).as("kill switch still on").isEqualTo(10);
        assertThat(writtenBack()).isTrue();
    }

    @Test
    void theKillSwitchSurvivesFlushAll() {
        killSwitch();
        int before = queriesPer10Reads("2");
        long t0 = System.nanoTime();
        REDIS.flushAll();
        await().atMost(Duration.ofSeconds(15)).until(this::writtenBack);
        long restoredMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(off()).isTrue();
        int after = queriesPer10Reads("2");
        System.out.printf("GCACHE R27 FLUSHALL: queries per 10 reads %d before, %d after; overrides written back %d ms "
                + "after the flush%n", before, after, restoredMillis);
        assertThat(after).isEqualTo(10);
    }

    /**
     * Another instance's explicit clear (documented: it stores "|" and announces the field) is honoured, and a later
     * loss of the hash does not bring the cleared kill switch back.
     */
    @Test
    void anExplicitClearByAnotherInstanceIsHonoured() {
        killSwitch();
        assertThat(queriesPer10Reads("3")).isEqualTo(10);
        REDIS.call("HSET", HASH, "GetUser#LOCAL", "|");
        REDIS.call("HSET", HASH, "GetUser#REMOTE", "|");
        REDIS.call("PUBLISH", CHANNEL, "GetUser#LOCAL");
        REDIS.call("PUBLISH", CHANNEL, "GetUser#REMOTE");
        await().atMost(Duration.ofSeconds(5)).until(() -> gcache.control().useCase("GetUser").local()
                .rampSource() == Source.ANNOTATION
                && gcache.control().useCase("GetUser").remote().rampSource() == Source.ANNOTATION);
        assertThat(queriesPer10Reads("3")).as("caching on again").isEqualTo(1);

        REDIS.flushAll();
        reload(); // what the periodic check does: nothing to write back, nothing changes
        assertThat(REDIS.call("EXISTS", HASH)).isEqualTo(0L);
        assertThat(gcache.control().useCase("GetUser").local().rampSource()).isEqualTo(Source.ANNOTATION);
        assertThat(queriesPer10Reads("3")).isLessThanOrEqualTo(1);
    }

    /** A clear through control() on this instance is stored as such, and stays cleared after a FLUSHALL too. */
    @Test
    void anExplicitClearHereIsStoredAndNotUndone() {
        killSwitch();
        gcache.control().clearOverride("GetUser", CacheLayer.LOCAL);
        assertThat(REDIS.call("HGET", HASH, "GetUser#LOCAL")).isEqualTo("|");
        REDIS.flushAll();
        await().atMost(Duration.ofSeconds(15)).until(() -> "|0".equals(REDIS.call("HGET", HASH, "GetUser#REMOTE")));
        assertThat(REDIS.call("HEXISTS", HASH, "GetUser#LOCAL")).as("cleared: nothing to write back").isEqualTo(0L);
        GCacheControl.UseCaseInfo info = gcache.control().useCase("GetUser");
        assertThat(info.local().rampSource()).isEqualTo(Source.ANNOTATION);
        assertThat(info.remote().ramp()).isZero();
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "GetUser", localRamp = 100, remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return "u" + id;
        }
    }
}
