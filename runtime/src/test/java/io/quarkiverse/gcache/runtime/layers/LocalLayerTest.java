package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The LOCAL layer on its own (reference R8, R9, R11, and the TTL design note): values, single-flight claims, the
 * per-entity invalidation index in both its forms (one key, several keys per entity), and the size and TTL bounds,
 * with Caffeine's clock injected.
 */
class LocalLayerTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long HOUR = TimeUnit.HOURS.toNanos(1);
    static final String USER_1 = "{urn:user_id:1}";
    static final String USER_12 = "{urn:user_id:12}";
    static final String USER_1_GET = "{urn:user_id:1}#GetUser";
    static final String USER_1_POSTS = "{urn:user_id:1}?page=1#GetPosts";
    static final String USER_1_POSTS_2 = "{urn:user_id:1}?page=2#GetPosts";
    static final String USER_12_GET = "{urn:user_id:12}#GetUser";

    final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(7));
    final LocalLayer local = new LocalLayer(1000, now::get);
    ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    static LocalEntry entry(String entity, Object value) {
        return new LocalEntry(value, HOUR, entity, 0);
    }

    /** Claims and fills {@code key}, as the computing caller does. */
    LocalEntry put(String key, LocalEntry entry) {
        CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
        assertThat(local.claim(key, claim)).as("claim of " + key).isNull();
        local.fill(key, claim, entry);
        return entry;
    }

    LocalEntry put(String key, String entity) {
        return put(key, entry(entity, "value of " + key));
    }

    // ------------------------------------------------------------------ values

    @Test
    void aMissIsNullAndAFilledEntryIsReturnedAsIs() {
        assertThat(local.get(USER_1_GET)).isNull();
        LocalEntry e = put(USER_1_GET, USER_1);
        assertThat(local.get(USER_1_GET)).isSameAs(e);
        assertThat(local.keys()).containsExactly(USER_1_GET);
        assertThat(local.size()).isEqualTo(1);
    }

    /** R9: a cached null is an entry, not a miss. */
    @Test
    void aNullValueIsAnEntry() {
        put(USER_1_GET, entry(USER_1, null));
        assertThat(local.get(USER_1_GET)).isNotNull();
        assertThat(local.get(USER_1_GET).value()).isNull();
    }

    // ------------------------------------------------------------------ single flight (R11)

    @Test
    void theFirstClaimComputesLaterOnesGetItsFutureAndFillHandsThemTheEntry() {
        CompletableFuture<LocalEntry> leader = new CompletableFuture<>();
        assertThat(local.claim(USER_1_GET, leader)).isNull();
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).isSameAs(leader);
        assertThat(local.claim(USER_1_POSTS, new CompletableFuture<>())).as("another key").isNull();

        LocalEntry e = entry(USER_1, "v");
        local.fill(USER_1_GET, leader, e);
        assertThat(leader).isCompletedWithValue(e);
        assertThat(local.get(USER_1_GET)).isSameAs(e);
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).as("the claim ended with the fill").isNull();
    }

    /** R9: a failed computation ends its claim without caching anything; its caller completes the waiters. */
    @Test
    void releaseEndsTheClaimWithoutStoringOrCompleting() {
        CompletableFuture<LocalEntry> leader = new CompletableFuture<>();
        local.claim(USER_1_GET, leader);
        local.release(USER_1_GET, leader);
        assertThat(local.get(USER_1_GET)).isNull();
        assertThat(leader).isNotDone();
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).as("the next miss computes afresh").isNull();
        assertThat(local.invalidateEntity(USER_1)).as("nothing indexed").isZero();
    }

    /**
     * A leader whose claim an invalidation ended must not end its successor's claim when it finishes: release and
     * fill remove only their own claim.
     */
    @Test
    void anEndedClaimDoesNotEndItsSuccessor() {
        CompletableFuture<LocalEntry> old = new CompletableFuture<>();
        local.claim(USER_1_GET, old);
        local.invalidateEntity(USER_1);
        CompletableFuture<LocalEntry> successor = new CompletableFuture<>();
        assertThat(local.claim(USER_1_GET, successor)).isNull();

        local.release(USER_1_GET, old);
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).isSameAs(successor);
        local.fill(USER_1_GET, old, entry(USER_1, "old")); // staleness is the invalidation log's to judge
        assertThat(old).isCompleted();
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).isSameAs(successor);
        assertThat(successor).isNotDone();
    }

    @Test
    void concurrentMissesOfOneKeyElectExactlyOneLeader() throws Exception {
        int threads = 16;
        pool = Executors.newFixedThreadPool(threads);
        for (int round = 0; round < 50; round++) {
            String key = "{urn:user_id:" + round + "}#GetUser";
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<LocalEntry>> mine = new ArrayList<>();
            List<CompletableFuture<CompletableFuture<LocalEntry>>> found = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
                mine.add(claim);
                found.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return local.claim(key, claim);
                }, pool));
            }
            start.countDown();
            int leader = -1;
            for (int t = 0; t < threads; t++) {
                if (found.get(t).get(30, TimeUnit.SECONDS) == null) {
                    assertThat(leader).as("a second leader in round " + round).isEqualTo(-1);
                    leader = t;
                }
            }
            assertThat(leader).as("no leader in round " + round).isNotEqualTo(-1);
            CompletableFuture<LocalEntry> leaderClaim = mine.get(leader);
            for (int t = 0; t < threads; t++) {
                if (t != leader) {
                    assertThat(found.get(t).get()).isSameAs(leaderClaim);
                }
            }
            LocalEntry e = entry("{urn:user_id:" + round + "}", round);
            local.fill(key, leaderClaim, e);
            for (int t = 0; t < threads; t++) {
                if (t != leader) {
                    assertThat(found.get(t).get().get(30, TimeUnit.SECONDS)).isSameAs(e);
                }
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ invalidation by entity (R8)

    @Test
    void invalidatingAnEntityWithOneKey() {
        put(USER_1_GET, USER_1);
        put(USER_12_GET, USER_12);
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(1);
        assertThat(local.get(USER_1_GET)).isNull();
        assertThat(local.get(USER_12_GET)).as("an id that extends this one is another entity").isNotNull();
        assertThat(local.invalidateEntity(USER_1)).isZero();
        assertThat(local.invalidateEntity("{urn:user_id:2}")).isZero();
    }

    @Test
    void invalidatingAnEntityWithManyKeys() {
        put(USER_1_GET, USER_1);
        put(USER_1_POSTS, USER_1);
        put(USER_1_POSTS_2, USER_1);
        put(USER_12_GET, USER_12);
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(3);
        assertThat(local.keys()).containsExactly(USER_12_GET);
        assertThat(local.invalidateEntity(USER_1)).isZero();
        // the entity's index starts again from one key
        put(USER_1_POSTS, USER_1);
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(1);
        assertThat(local.get(USER_1_POSTS)).isNull();
    }

    /** R6a: callers arriving after an invalidation compute afresh instead of waiting for an older computation. */
    @Test
    void invalidationEndsTheEntitysClaimsOnly() {
        CompletableFuture<LocalEntry> get1 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> posts1 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> get12 = new CompletableFuture<>();
        local.claim(USER_1_GET, get1);
        local.claim(USER_1_POSTS, posts1);
        local.claim(USER_12_GET, get12);
        assertThat(local.invalidateEntity(USER_1)).as("claims are not entries").isZero();
        assertThat(local.claim(USER_1_GET, new CompletableFuture<>())).isNull();
        assertThat(local.claim(USER_1_POSTS, new CompletableFuture<>())).isNull();
        assertThat(local.claim(USER_12_GET, new CompletableFuture<>())).isSameAs(get12);
        assertThat(get1).as("its leader still completes it").isNotDone();
    }

    /** A key filled again (replaced) stays indexed once. */
    @Test
    void refillingAKeyKeepsOneIndexEntry() {
        put(USER_1_GET, USER_1);
        put(USER_1_GET, USER_1);
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(1);
        put(USER_1_GET, USER_1);
        put(USER_1_POSTS, USER_1);
        put(USER_1_POSTS, USER_1);
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(2);
    }

    /** The index follows removals, from several keys down to one and to none. */
    @Test
    void removalsLeaveTheIndex() {
        put(USER_1_GET, USER_1);
        LocalEntry posts = put(USER_1_POSTS, USER_1);
        put(USER_1_POSTS_2, USER_1);
        assertThat(local.remove(USER_1_POSTS_2)).isTrue();
        assertThat(local.remove(USER_1_POSTS_2)).isFalse();
        local.remove(USER_1_POSTS, entry(USER_1, "not the current entry"));
        assertThat(local.get(USER_1_POSTS)).as("only the entry found stale is removed").isSameAs(posts);
        local.remove(USER_1_POSTS, posts);
        assertThat(local.get(USER_1_POSTS)).isNull();
        assertThat(local.invalidateEntity(USER_1)).isEqualTo(1);

        put(USER_1_GET, USER_1);
        local.remove(USER_1_GET);
        assertThat(local.invalidateEntity(USER_1)).isZero();
    }

    /** A resync (R8a) drops every entry and claim. */
    @Test
    void clearDropsEntriesIndexAndClaims() {
        put(USER_1_GET, USER_1);
        put(USER_1_POSTS, USER_1);
        CompletableFuture<LocalEntry> running = new CompletableFuture<>();
        local.claim(USER_12_GET, running);
        local.clear();
        assertThat(local.keys()).isEmpty();
        assertThat(local.get(USER_1_GET)).isNull();
        assertThat(local.invalidateEntity(USER_1)).isZero();
        assertThat(local.claim(USER_12_GET, new CompletableFuture<>())).isNull();
        assertThat(running).isNotDone();
    }

    // ------------------------------------------------------------------ bounds

    /** The size bound holds without a background thread, and evicted entries leave the index. */
    @Test
    void theSizeBoundHoldsAndEvictionCleansTheIndex() {
        LocalLayer small = new LocalLayer(10, now::get);
        int entities = 200;
        for (int i = 0; i < entities; i++) {
            String entity = "{urn:user_id:" + i + "}";
            for (int k = 0; k < (i % 3) + 1; k++) { // one key for some entities, several for others
                String key = entity + "?k=" + k + "#UseCase";
                CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
                small.claim(key, claim);
                small.fill(key, claim, entry(entity, i));
            }
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(10);
        int held = small.keys().size();
        assertThat(held).isBetween(1, 10);
        int invalidated = 0;
        for (int i = 0; i < entities; i++) {
            invalidated += small.invalidateEntity("{urn:user_id:" + i + "}");
        }
        // a leaked index entry would count a key that is no longer held
        assertThat(invalidated).isEqualTo(held);
        assertThat(small.keys()).isEmpty();
    }

    /** Each entry keeps the TTL in force when it was computed. */
    @Test
    void entriesExpireAfterTheirOwnTtl() {
        put(USER_1_GET, new LocalEntry("short", SECOND, USER_1, 0));
        put(USER_12_GET, new LocalEntry("long", 10 * SECOND, USER_12, 0));
        now.addAndGet(SECOND - 1);
        assertThat(local.get(USER_1_GET)).isNotNull();
        now.addAndGet(1);
        assertThat(local.get(USER_1_GET)).isNull();
        assertThat(local.get(USER_12_GET)).isNotNull();
        now.addAndGet(9 * SECOND);
        assertThat(local.get(USER_12_GET)).isNull();
    }

    @Test
    void readingDoesNotExtendATtlAndRefillingRestartsIt() {
        put(USER_1_GET, new LocalEntry("a", SECOND, USER_1, 0));
        now.addAndGet(SECOND / 2);
        assertThat(local.get(USER_1_GET)).isNotNull();
        now.addAndGet(SECOND / 2);
        assertThat(local.get(USER_1_GET)).as("read at half-life, still expires on time").isNull();

        put(USER_1_POSTS, new LocalEntry("b", SECOND, USER_1, 0));
        now.addAndGet(SECOND / 2);
        put(USER_1_POSTS, new LocalEntry("c", 2 * SECOND, USER_1, 0)); // the TTL changed at run time
        now.addAndGet(2 * SECOND - 1);
        assertThat(local.get(USER_1_POSTS).value()).isEqualTo("c");
        now.addAndGet(1);
        assertThat(local.get(USER_1_POSTS)).isNull();
    }

    @Test
    void expiredEntriesLeaveTheIndex() {
        put(USER_1_GET, new LocalEntry("a", SECOND, USER_1, 0));
        put(USER_12_GET, new LocalEntry("a", SECOND, USER_12, 0));
        put("{urn:user_id:12}#Other", new LocalEntry("b", 10 * SECOND, USER_12, 0));
        now.addAndGet(SECOND);
        local.cleanUp();
        assertThat(local.keys()).containsExactly("{urn:user_id:12}#Other");
        assertThat(local.invalidateEntity(USER_1)).isZero();
        assertThat(local.invalidateEntity(USER_12)).isEqualTo(1);
    }
}
