package io.quarkiverse.gcache.test.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheKey;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** Entity invalidation: R6, R6a, R7, R8, R15, R17. */
class InvalidationTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Profiles.class, Profiles.Update.class)
            // long enough that a caller wrongly waiting on a stale computation would show
            .overrideConfigKey("quarkus.gcache.local.wait-timeout", "60s")
            .overrideConfigKey("quarkus.gcache.invalidation.min-watermark-ttl", "5h");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Profiles profiles;
    @Inject
    io.vertx.core.Vertx vertx;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        profiles.source.clear();
        profiles.readGate = null;
        await().until(() -> runtime.subscriber().isSubscribed());
    }

    String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.get(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    String readRemote(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.remoteOnly(id);
        }
    }

    /** A read as another instance would do it: nothing in this instance's LOCAL. */
    String readAsAnotherInstance(String id) {
        runtime.useCase("Profile").localLayer().clear();
        return read(id);
    }

    @Test
    void invalidateDropsLocalAndRemoteAndWritesAWatermark() {
        profiles.source.put("1", "old");
        assertThat(read("1")).isEqualTo("old");
        await().until(() -> exists("{urn:user_id:1}#Profile"));
        profiles.source.put("1", "new");
        assertThat(read("1")).isEqualTo("old");

        assertThat(gcache.invalidate("user_id", "1")).isTrue();

        assertThat(read("1")).isEqualTo("new");
        assertThat(readAsAnotherInstance("1")).isEqualTo("new");
        String watermark = (String) REDIS.call("GET", "{urn:user_id:1}#watermark");
        assertThat(watermark).matches("\\d{13}");
        // R7: outlives the largest tracked REMOTE TTL (10 minutes here)
        assertThat((Long) REDIS.call("PTTL", "{urn:user_id:1}#watermark")).isGreaterThan(Duration.ofMinutes(9).toMillis());
        assertThat(runtime.invalidator().stats().count("user_id", CacheLayer.LOCAL)).isPositive();
        assertThat(runtime.invalidator().stats().count("user_id", CacheLayer.REMOTE)).isPositive();
    }

    String readPage(String id, int page) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.page(id, page);
        }
    }

    /**
     * R6 with key arguments: LOCAL keeps no index of an entity's keys, the invalidation log makes every one of them
     * stale, and each is replaced on its next read. An id that extends the invalidated one is another entity.
     */
    @Test
    void anInvalidationReachesEveryKeyOfTheEntityInAUseCaseWithArguments() {
        profiles.source.put("5", "old");
        profiles.source.put("55", "other");
        for (int page = 1; page <= 3; page++) {
            readPage("5", page);
        }
        readPage("55", 1);
        int reads = profiles.reads.get();
        assertThat(readPage("5", 2)).isEqualTo("old#2");
        assertThat(profiles.reads.get()).as("cached").isEqualTo(reads);

        profiles.source.put("5", "new");
        profiles.source.put("55", "changed, not invalidated");
        gcache.invalidate("user_id", "5");

        for (int page = 1; page <= 3; page++) {
            assertThat(readPage("5", page)).isEqualTo("new#" + page);
        }
        assertThat(readPage("55", 1)).isEqualTo("other#1");
        assertThat(profiles.reads.get()).isEqualTo(reads + 3);
        for (int page = 1; page <= 3; page++) {
            assertThat(readPage("5", page)).as("the stale entry was replaced").isEqualTo("new#" + page);
        }
        assertThat(profiles.reads.get()).isEqualTo(reads + 3);
        assertThat(runtime.useCase("ProfilePage").stats().misses(StatLayer.LOCAL, MissReason.STALE)).isEqualTo(3);
    }

    @Test
    void gcacheInvalidateInvalidatesAfterANormalReturnOnly() {
        profiles.source.put("2", "old");
        read("2");
        profiles.update(new Profiles.Update("2", "new")); // outside any enable scope
        assertThat(read("2")).isEqualTo("new");
        assertThat(readAsAnotherInstance("2")).isEqualTo("new");

        REDIS.call("DEL", "{urn:user_id:3}#watermark");
        assertThatThrownBy(() -> profiles.update(new Profiles.Update("3", null))).hasMessage("name required");
        assertThat(REDIS.call("EXISTS", "{urn:user_id:3}#watermark")).isEqualTo(0L);
    }

    @Test
    void gcacheInvalidateOnAUni() {
        profiles.source.put("4", "old");
        read("4");
        profiles.rename("4", "new").await().atMost(Duration.ofSeconds(5));
        assertThat(read("4")).isEqualTo("new");
        assertThat(readAsAnotherInstance("4")).isEqualTo("new");
    }

    @Test
    void raceWithoutBufferLeavesNoStaleValueBehind() throws Exception {
        profiles.source.put("5", "old");
        profiles.readStarted = new CountDownLatch(1);
        profiles.readGate = new CountDownLatch(1);
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> read("5"));
        assertThat(profiles.readStarted.await(10, TimeUnit.SECONDS)).isTrue(); // it has read "old"

        profiles.source.put("5", "new");
        assertThat(gcache.invalidate("user_id", "5")).isTrue(); // no future buffer
        profiles.readGate.countDown();
        profiles.readGate = null;

        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // returned to its caller...
        await().until(() -> exists("{urn:user_id:5}#Profile")); // ...and even stored, stamped before the watermark
        for (int i = 0; i < 3; i++) {
            assertThat(read("5")).isEqualTo("new"); // this instance
            assertThat(readAsAnotherInstance("5")).isEqualTo("new"); // another instance
        }
    }

    /** R17: watermarks live at least min-watermark-ttl (here 5 h), and never shorten an existing one's TTL. */
    @Test
    void aWatermarkLivesAtLeastTheMinimumAndNeverShortensAnExistingOne() {
        gcache.invalidate("user_id", "31");
        assertThat((Long) REDIS.call("PTTL", "{urn:user_id:31}#watermark"))
                .isBetween(Duration.ofMinutes(299).toMillis(), Duration.ofHours(5).toMillis());

        // written by Python gcache (SETEX, epoch ms), here with 10 h left: a Java invalidation keeps the 10 h
        REDIS.call("SETEX", "{urn:user_id:32}#watermark", String.valueOf(Duration.ofHours(10).toSeconds()),
                String.valueOf(System.currentTimeMillis()));
        gcache.invalidate("user_id", "32");
        assertThat((Long) REDIS.call("PTTL", "{urn:user_id:32}#watermark"))
                .isGreaterThan(Duration.ofMinutes(599).toMillis());

        // one without expiry stays without expiry
        REDIS.call("SET", "{urn:user_id:33}#watermark", String.valueOf(System.currentTimeMillis()));
        gcache.invalidate("user_id", "33");
        assertThat((Long) REDIS.call("PTTL", "{urn:user_id:33}#watermark")).isEqualTo(-1L);
    }

    /** R6a: a caller that arrives after an invalidation never waits for a computation that began before it. */
    @Test
    void aCallerAfterAnInvalidationDoesNotWaitForAComputationFromBeforeIt() throws Exception {
        profiles.source.put("6", "old");
        profiles.readStarted = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        profiles.readGate = gate;
        CompletableFuture<String> before = CompletableFuture.supplyAsync(() -> read("6"));
        assertThat(profiles.readStarted.await(10, TimeUnit.SECONDS)).isTrue(); // it has read "old" and waits

        profiles.source.put("6", "new");
        gcache.invalidate("user_id", "6");
        profiles.readGate = null;
        // computes afresh at once, although the earlier computation still holds its claim
        assertThat(CompletableFuture.supplyAsync(() -> read("6")).get(10, TimeUnit.SECONDS)).isEqualTo("new");
        assertThat(before).isNotDone();

        gate.countDown();
        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("old"); // its own caller's value, never kept
        assertThat(read("6")).isEqualTo("new");
    }

    /**
     * R6: with a future buffer, no read that begins after the buffer has ended returns the old value, whatever it found
     * in LOCAL or REMOTE. The reader is synchronised on its own progress, never on the clock: the invalidation comes
     * after a random number of its reads, once both use cases hold "old" in Redis, and the round ends once it has done
     * {@value #READS_AFTER_BUFFER} reads of each kind that began after the buffer, so the check cannot pass for lack of
     * such reads.
     */
    @Test
    void raceWithAFutureBufferNeverServesTheOldValueAfterTheBuffer() throws Exception {
        for (int round = 0; round < 10; round++) {
            String id = "b" + round;
            profiles.source.put(id, "old");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong bufferEnd = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger localReadsAfter = new AtomicInteger();
            AtomicInteger remoteReadsAfter = new AtomicInteger();
            AtomicReference<String> violation = new AtomicReference<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    long before = System.nanoTime();
                    boolean local = ThreadLocalRandom.current().nextBoolean();
                    String v = local ? read(id) : readRemote(id);
                    reads.incrementAndGet();
                    if (before > bufferEnd.get()) {
                        (local ? localReadsAfter : remoteReadsAfter).incrementAndGet();
                        if (!"new".equals(v)) {
                            violation.compareAndSet(null, (local ? "Profile" : "ProfileRemote") + " read at +"
                                    + (before - bufferEnd.get()) / 1_000_000 + " ms after the buffer returned " + v);
                        }
                    }
                }
            });
            // the old value is in both use cases, and the reader is somewhere in its loop
            int readsBefore = ThreadLocalRandom.current().nextInt(1, 30);
            await().atMost(Duration.ofSeconds(10)).until(() -> failIfDone(reader) && reads.get() >= readsBefore
                    && exists("{urn:user_id:" + id + "}#Profile") && exists("{urn:user_id:" + id + "}#ProfileRemote"));

            profiles.source.put(id, "new");
            gcache.invalidate("user_id", id, Duration.ofMillis(500));
            // measured after invalidate returned: no earlier than the end of the buffer its watermark carries
            bufferEnd.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500));

            await().atMost(Duration.ofSeconds(10)).until(() -> failIfDone(reader)
                    && localReadsAfter.get() >= READS_AFTER_BUFFER && remoteReadsAfter.get() >= READS_AFTER_BUFFER);
            stop.set(true);
            reader.get(10, TimeUnit.SECONDS);
            assertThat(localReadsAfter.get()).as("round " + round + ": Profile reads after the buffer")
                    .isGreaterThanOrEqualTo(READS_AFTER_BUFFER);
            assertThat(remoteReadsAfter.get()).as("round " + round + ": ProfileRemote reads after the buffer")
                    .isGreaterThanOrEqualTo(READS_AFTER_BUFFER);
            assertThat(violation.get()).as("round " + round).isNull();
        }
    }

    static final int READS_AFTER_BUFFER = 20;

    /** For Awaitility conditions: a reader loop that ended (only by failing, as nothing stopped it) fails the test. */
    private static boolean failIfDone(CompletableFuture<?> reader) {
        if (reader.isDone()) {
            reader.join();
            throw new AssertionError("the reader stopped on its own");
        }
        return true;
    }

    @Test
    void aWatermarkWrittenInGcachesFormatMakesValuesStale() {
        profiles.source.put("6", "old");
        read("6");
        readRemote("6");
        await().until(() -> exists("{urn:user_id:6}#Profile") && exists("{urn:user_id:6}#ProfileRemote"));
        profiles.source.put("6", "new");
        // Python gcache: SET {urn:user_id:6}#watermark <epoch ms> (its own clock), plain commands
        List<?> time = (List<?>) REDIS.call("TIME");
        long nowMs = Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
        REDIS.call("SET", "{urn:user_id:6}#watermark", String.valueOf(nowMs + 1), "EX", "3600");
        assertThat(readRemote("6")).isEqualTo("new");
        assertThat(readAsAnotherInstance("6")).isEqualTo("new");
    }

    @Test
    void urnsMatchWhatPythonGcacheBuilds() {
        Map<GCacheKey, String> expected = Map.of(
                new GCacheKey("user_id", "123", Map.of(), "GetUser"), "urn:user_id:123#GetUser",
                new GCacheKey("user_id", "123", Map.of("page", "1"), "GetUserPosts"), "urn:user_id:123?page=1#GetUserPosts",
                new GCacheKey("org_id", "acme", Map.of("b", "2", "a", "1"), "Orgs"), "urn:org_id:acme?a=1&b=2#Orgs",
                new GCacheKey("email", "a@b.c", Map.of(), "ByEmail"), "urn:email:a@b.c#ByEmail");
        expected.forEach((key, urn) -> {
            assertThat(key.urn("urn", false)).isEqualTo(urn);
            int hash = urn.indexOf('?') > 0 ? urn.indexOf('?') : urn.indexOf('#');
            assertThat(key.urn("urn", true)).isEqualTo("{" + urn.substring(0, hash) + "}" + urn.substring(hash));
        });
        assertThat(new GCacheKey("user_id", "7", Map.of(), "X").urn("svc", true)).isEqualTo("{svc:user_id:7}#X");
    }

    @Test
    void aMessageFromAnotherInstanceDropsLocalEntries() {
        profiles.source.put("7", "old");
        profiles.source.put("70", "other");
        read("7");
        read("70");
        profiles.source.put("7", "new");
        // What instance B publishes when it invalidates user 7 (its watermark write is not needed for LOCAL)
        REDIS.call("PUBLISH", runtime.invalidator().channel(), "other-instance|0|user_id|{urn:user_id:7}");
        await().until(() -> !runtime.useCase("Profile").localKeys().contains("{urn:user_id:7}#Profile"));
        assertThat(runtime.useCase("Profile").localKeys()).containsOnly("{urn:user_id:70}#Profile");
        REDIS.call("DEL", "{urn:user_id:7}#Profile");
        assertThat(read("7")).isEqualTo("new");
    }

    @Test
    void localEntriesAreClearedWhenTheSubscriptionIsLost() {
        profiles.source.put("8", "v");
        read("8");
        assertThat(runtime.useCase("Profile").localLayer().size()).isEqualTo(1);
        long resyncs = runtime.invalidator().stats().resyncs();
        REDIS.call("CLIENT", "KILL", "TYPE", "pubsub");
        await().until(() -> runtime.invalidator().stats().resyncs() > resyncs && runtime.subscriber().isSubscribed());
        assertThat(runtime.useCase("Profile").localLayer().size()).isZero();
        // and invalidations from other instances arrive again
        read("8");
        REDIS.call("PUBLISH", runtime.invalidator().channel(), "other-instance|0|user_id|{urn:user_id:8}");
        await().until(() -> runtime.useCase("Profile").localLayer().size() == 0);
    }

    @Test
    void flushAllRemovesOnlyThisExtensionsKeys() {
        REDIS.call("SET", "foreign:key", "keep me");
        REDIS.call("SET", "urnish", "keep me too");
        profiles.source.put("9", "v");
        read("9");
        readRemote("9");
        gcache.invalidate("user_id", "9");
        await().until(() -> exists("{urn:user_id:9}#Profile") && exists("{urn:user_id:9}#ProfileRemote"));
        gcache.flushAll();
        assertThat(REDIS.keys()).containsExactlyInAnyOrder("foreign:key", "urnish");
        assertThat(runtime.useCase("Profile").localLayer().size()).isZero();
    }

    @Test
    void deleteRemovesOneEntryOnly() {
        profiles.source.put("10", "v");
        profiles.source.put("11", "w");
        read("10");
        read("11");
        await().until(() -> exists("{urn:user_id:10}#Profile") && exists("{urn:user_id:11}#Profile"));
        assertThat(gcache.delete(GCacheKey.of("user_id", "10", "Profile"))).isTrue();
        assertThat(exists("{urn:user_id:10}#Profile")).isFalse();
        assertThat(exists("{urn:user_id:11}#Profile")).isTrue();
        assertThat(runtime.useCase("Profile").localKeys()).containsOnly("{urn:user_id:11}#Profile");
        assertThat(gcache.delete(GCacheKey.of("user_id", "10", "Profile"))).isFalse();
    }

    @Test
    void deleteOnAnEventLoopStillRemovesTheRedisEntry() throws Exception {
        profiles.source.put("13", "v");
        read("13");
        await().until(() -> exists("{urn:user_id:13}#Profile"));
        CompletableFuture<Boolean> onEventLoop = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                onEventLoop.complete(gcache.delete(GCacheKey.of("user_id", "13", "Profile")));
            } catch (Throwable t) {
                onEventLoop.completeExceptionally(t);
            }
        });
        assertThat(onEventLoop.get(5, TimeUnit.SECONDS)).isTrue(); // LOCAL held it
        await().until(() -> !exists("{urn:user_id:13}#Profile"));
    }

    @Test
    void aNullIdInvalidatesTheEntityANullIdIsCachedUnder() {
        assertThat(gcache.invalidate("user_id", null)).isTrue();
        assertThat(exists("{urn:user_id:null}#watermark")).isTrue();
    }

    @Test
    void deleteRefusesWatermarksSoAnInvalidationCannotBeUndone() {
        gcache.invalidate("user_id", "12");
        await().until(() -> exists("{urn:user_id:12}#watermark"));
        assertThatThrownBy(() -> gcache.delete(GCacheKey.of("user_id", "12", "watermark")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalidate");
        assertThat(exists("{urn:user_id:12}#watermark")).isTrue();
    }

    @Test
    void invalidateWithRedisDownReportsFailureButInvalidatesLocal() {
        profiles.source.put("12", "old");
        try (GCache.Scope scope = gcache.enable()) {
            profiles.untracked("12");
        }
        REDIS.stop();
        try {
            assertThat(gcache.invalidate("user_id", "12")).isFalse();
            assertThatThrownBy(() -> gcache.invalidateAsync("user_id", "12").await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOf(RuntimeException.class);
            profiles.update(new Profiles.Update("12", "new")); // the write path still works
            try (GCache.Scope scope = gcache.enable()) {
                assertThat(profiles.untracked("12")).isEqualTo("new");
            }
        } finally {
            REDIS.start();
        }
    }

    private static boolean exists(String key) {
        return (Long) REDIS.call("EXISTS", key) == 1;
    }
}
