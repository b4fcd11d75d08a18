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
 * The LOCAL layer on its own (reference R8, R9, R11, and the TTL design note): values, single-flight claims,
 * invalidation by entity, and the size and TTL bounds, with Caffeine's clock injected.
 * <p>
 * A layer belongs to one use case and holds local keys ({@code KeyBuilder#localKey}). Two layers, for the two kinds:
 * {@link #users}, a use case without key arguments, whose keys are the escaped id alone ("1"), so an entity has one
 * key, removed by an invalidation; and {@link #posts}, a use case with arguments, whose keys are "1?page=1" and which
 * keeps no index of an entity's keys: an invalidation ends the entity's claims and leaves its entries to the
 * invalidation log ({@code InvalidationLogTest}), which makes them stale.
 */
class LocalLayerTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long HOUR = TimeUnit.HOURS.toNanos(1);
    /** Escaped ids; "12" starts with "1" but is another entity. */
    static final String ID_1 = "1";
    static final String ID_12 = "12";
    static final String POSTS_1 = "1?page=1";
    static final String POSTS_1_2 = "1?page=2";
    static final String POSTS_12 = "12?page=1";

    final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(7));
    /** GetUser(id): no key arguments, the local key is the id. */
    final LocalLayer users = new LocalLayer(1000, true, now::get);
    /** GetPosts(id, page): the local key is the id then the arguments. */
    final LocalLayer posts = new LocalLayer(1000, false, now::get);
    ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    static LocalEntry entry(Object value) {
        return new LocalEntry(value, 0);
    }

    /** Claims and fills {@code key} for {@code ttlNanos}, as the computing caller does. */
    static LocalEntry put(LocalLayer layer, String key, LocalEntry entry, long ttlNanos) {
        CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
        assertThat(layer.claim(key, claim)).as("claim of " + key).isNull();
        layer.fill(key, claim, entry, ttlNanos);
        return entry;
    }

    /** Claims and fills {@code key} for an hour. */
    static LocalEntry put(LocalLayer layer, String key, LocalEntry entry) {
        return put(layer, key, entry, HOUR);
    }

    /** Fills {@code key} for an hour. */
    static LocalEntry put(LocalLayer layer, String key) {
        return put(layer, key, entry("value of " + key));
    }

    /** Fills the id-only key {@code id}. */
    LocalEntry putUser(String id) {
        return put(users, id);
    }

    // ------------------------------------------------------------------ values

    @Test
    void aMissIsNullAndAFilledEntryIsReturnedAsIs() {
        assertThat(users.get(ID_1)).isNull();
        LocalEntry user = putUser(ID_1);
        assertThat(users.get(ID_1)).isSameAs(user);
        assertThat(users.keys()).containsExactly(ID_1);
        assertThat(users.size()).isEqualTo(1);

        assertThat(posts.get(POSTS_1)).isNull();
        LocalEntry post = put(posts, POSTS_1);
        assertThat(posts.get(POSTS_1)).isSameAs(post);
        assertThat(posts.get(ID_1)).as("the id alone is not a key of this use case").isNull();
        assertThat(posts.keys()).containsExactly(POSTS_1);
        assertThat(posts.size()).isEqualTo(1);
        assertThat(users.keys()).as("layers are separate").containsExactly(ID_1);
    }

    /** R9: a cached null is an entry, not a miss. */
    @Test
    void aNullValueIsAnEntry() {
        put(users, ID_1, entry(null));
        assertThat(users.get(ID_1)).isNotNull();
        assertThat(users.get(ID_1).value()).isNull();

        put(posts, POSTS_1, entry(null));
        assertThat(posts.get(POSTS_1)).isNotNull();
        assertThat(posts.get(POSTS_1).value()).isNull();
    }

    // ------------------------------------------------------------------ single flight (R11)

    @Test
    void theFirstClaimComputesLaterOnesGetItsFutureAndFillHandsThemTheEntry() {
        CompletableFuture<LocalEntry> leader = new CompletableFuture<>();
        assertThat(users.claim(ID_1, leader)).isNull();
        assertThat(users.claim(ID_1, new CompletableFuture<>())).isSameAs(leader);
        assertThat(users.claim(ID_12, new CompletableFuture<>())).as("another key").isNull();
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).as("another use case").isNull();

        LocalEntry e = entry("v");
        users.fill(ID_1, leader, e, HOUR);
        assertThat(leader).isCompletedWithValue(e);
        assertThat(users.get(ID_1)).isSameAs(e);
        assertThat(users.claim(ID_1, new CompletableFuture<>())).as("the claim ended with the fill").isNull();
    }

    @Test
    void claimsOfAnArgumentsLayerAreByFullLocalKey() {
        CompletableFuture<LocalEntry> leader = new CompletableFuture<>();
        assertThat(posts.claim(POSTS_1, leader)).isNull();
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).isSameAs(leader);
        assertThat(posts.claim(POSTS_1_2, new CompletableFuture<>())).as("other arguments").isNull();

        LocalEntry e = entry("v");
        posts.fill(POSTS_1, leader, e, HOUR);
        assertThat(leader).isCompletedWithValue(e);
        assertThat(posts.get(POSTS_1)).isSameAs(e);
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).as("the claim ended with the fill").isNull();
    }

    /** R9: a failed computation ends its claim without caching anything; its caller completes the waiters. */
    @Test
    void releaseEndsTheClaimWithoutStoringOrCompleting() {
        CompletableFuture<LocalEntry> user = new CompletableFuture<>();
        users.claim(ID_1, user);
        users.release(ID_1, user);
        assertThat(users.get(ID_1)).isNull();
        assertThat(user).isNotDone();
        assertThat(users.claim(ID_1, new CompletableFuture<>())).as("the next miss computes afresh").isNull();
        assertThat(users.invalidateEntity(ID_1)).as("nothing stored").isZero();

        CompletableFuture<LocalEntry> post = new CompletableFuture<>();
        posts.claim(POSTS_1, post);
        posts.release(POSTS_1, post);
        assertThat(posts.get(POSTS_1)).isNull();
        assertThat(post).isNotDone();
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).as("the next miss computes afresh").isNull();
        assertThat(posts.invalidateEntity(ID_1)).as("nothing indexed").isZero();
    }

    /**
     * A leader whose claim an invalidation ended must not end its successor's claim when it finishes: release and
     * fill remove only their own claim.
     */
    @Test
    void anEndedClaimDoesNotEndItsSuccessor() {
        anEndedClaimDoesNotEndItsSuccessor(users, ID_1);
        anEndedClaimDoesNotEndItsSuccessor(posts, POSTS_1);
    }

    private static void anEndedClaimDoesNotEndItsSuccessor(LocalLayer layer, String key) {
        CompletableFuture<LocalEntry> old = new CompletableFuture<>();
        layer.claim(key, old);
        layer.invalidateEntity(ID_1);
        CompletableFuture<LocalEntry> successor = new CompletableFuture<>();
        assertThat(layer.claim(key, successor)).as("the invalidation ended the claim of " + key).isNull();

        layer.release(key, old);
        assertThat(layer.claim(key, new CompletableFuture<>())).isSameAs(successor);
        layer.fill(key, old, entry("old"), HOUR); // staleness is the invalidation log's to judge
        assertThat(old).isCompleted();
        assertThat(layer.claim(key, new CompletableFuture<>())).isSameAs(successor);
        assertThat(successor).isNotDone();
    }

    @Test
    void concurrentMissesOfOneKeyElectExactlyOneLeader() throws Exception {
        int threads = 16;
        pool = Executors.newFixedThreadPool(threads);
        for (int round = 0; round < 50; round++) {
            boolean idOnly = round % 2 == 0; // both kinds of layer
            LocalLayer layer = idOnly ? users : posts;
            String id = String.valueOf(round);
            String key = idOnly ? id : id + "?page=1";
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<LocalEntry>> mine = new ArrayList<>();
            List<CompletableFuture<CompletableFuture<LocalEntry>>> found = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
                mine.add(claim);
                found.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return layer.claim(key, claim);
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
            LocalEntry e = entry(round);
            layer.fill(key, leaderClaim, e, HOUR);
            for (int t = 0; t < threads; t++) {
                if (t != leader) {
                    assertThat(found.get(t).get().get(30, TimeUnit.SECONDS)).isSameAs(e);
                }
            }
            assertThat(layer.get(key)).isSameAs(e);
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

    /** Without key arguments the entity's one key is its id: removed directly, no index. */
    @Test
    void invalidatingAnEntityOfAnIdOnlyLayer() {
        putUser(ID_1);
        putUser(ID_12);
        assertThat(users.invalidateEntity(ID_1)).isEqualTo(1);
        assertThat(users.get(ID_1)).isNull();
        assertThat(users.get(ID_12)).as("an id that extends this one is another entity").isNotNull();
        assertThat(users.invalidateEntity(ID_1)).isZero();
        assertThat(users.invalidateEntity("2")).isZero();
        assertThat(users.keys()).containsExactly(ID_12);
    }

    /**
     * With key arguments an invalidation removes nothing: there is no index of the entity's keys, and the invalidation
     * log makes them stale (R6a); their next read removes them, or their TTL or the size bound does.
     */
    @Test
    void anArgumentsLayerLeavesTheEntitysEntriesToTheLog() {
        LocalEntry page1 = put(posts, POSTS_1);
        put(posts, POSTS_1_2);
        put(posts, POSTS_12);
        assertThat(posts.invalidateEntity(ID_1)).isZero();
        assertThat(posts.get(POSTS_1)).isSameAs(page1);
        assertThat(posts.keys()).containsExactlyInAnyOrder(POSTS_1, POSTS_1_2, POSTS_12);
        posts.remove(POSTS_1, page1); // what a read that finds it stale does
        assertThat(posts.keys()).containsExactlyInAnyOrder(POSTS_1_2, POSTS_12);
    }

    /** Layers are separate: invalidating an entity in one use case's layer leaves another's alone. */
    @Test
    void invalidationIsPerLayer() {
        putUser(ID_1);
        CompletableFuture<LocalEntry> post = new CompletableFuture<>();
        posts.claim(POSTS_1, post);
        posts.invalidateEntity(ID_1);
        assertThat(users.get(ID_1)).isNotNull();
        assertThat(users.invalidateEntity(ID_1)).isEqualTo(1);
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).as("the claim ended").isNull();
    }

    /**
     * Without key arguments, invalidation counts the entity's one entry (1 or 0), and ends the claim of exactly that
     * key: not the claim of a lookalike id.
     */
    @Test
    void anIdOnlyLayerInvalidatesOneEntryAndEndsExactlyThatKeysClaim() {
        CompletableFuture<LocalEntry> claim1 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> claim12 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> claim10 = new CompletableFuture<>();
        users.claim(ID_1, claim1);
        users.claim(ID_12, claim12);
        users.claim("10", claim10);
        assertThat(users.invalidateEntity(ID_1)).as("a claim is not an entry").isZero();
        CompletableFuture<LocalEntry> next1 = new CompletableFuture<>();
        assertThat(users.claim(ID_1, next1)).as("the claim of 1 ended").isNull();
        assertThat(users.claim(ID_12, new CompletableFuture<>())).isSameAs(claim12);
        assertThat(users.claim("10", new CompletableFuture<>())).isSameAs(claim10);
        assertThat(claim1).as("its leader still completes it").isNotDone();

        // an entry and a claim of the key at once: 1, and the claim ends; a lookalike's entry stays
        users.fill(ID_1, next1, entry("v"), HOUR);
        putUser("13");
        CompletableFuture<LocalEntry> refresh1 = new CompletableFuture<>();
        assertThat(users.claim(ID_1, refresh1)).isNull();
        assertThat(users.invalidateEntity(ID_1)).isEqualTo(1);
        assertThat(users.get(ID_1)).isNull();
        assertThat(users.claim(ID_1, new CompletableFuture<>())).as("the claim of 1 ended").isNull();
        assertThat(refresh1).isNotDone();
        assertThat(users.claim(ID_12, new CompletableFuture<>())).isSameAs(claim12);
        assertThat(users.get("13")).isNotNull();
        assertThat(users.invalidateEntity(ID_1)).isZero();
        assertThat(users.keys()).containsExactly("13");
    }

    /** R6a: callers arriving after an invalidation compute afresh instead of waiting for an older computation. */
    @Test
    void invalidationEndsTheEntitysClaimsOnly() {
        CompletableFuture<LocalEntry> posts1 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> posts1page2 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> posts12 = new CompletableFuture<>();
        CompletableFuture<LocalEntry> user1 = new CompletableFuture<>();
        posts.claim(POSTS_1, posts1);
        posts.claim(POSTS_1_2, posts1page2);
        posts.claim(POSTS_12, posts12);
        users.claim(ID_1, user1);
        assertThat(posts.invalidateEntity(ID_1)).as("claims are not entries").isZero();
        assertThat(posts.claim(POSTS_1, new CompletableFuture<>())).isNull();
        assertThat(posts.claim(POSTS_1_2, new CompletableFuture<>())).isNull();
        assertThat(posts.claim(POSTS_12, new CompletableFuture<>())).as("12?page=1 is not 1's").isSameAs(posts12);
        assertThat(users.claim(ID_1, new CompletableFuture<>())).as("another layer").isSameAs(user1);
        assertThat(posts1).as("its leader still completes it").isNotDone();
    }

    /** A key filled again (replaced) is one entry. */
    @Test
    void refillingAKeyKeepsOneEntry() {
        putUser(ID_1);
        putUser(ID_1);
        assertThat(users.size()).isEqualTo(1);
        assertThat(users.invalidateEntity(ID_1)).isEqualTo(1);
        assertThat(users.keys()).isEmpty();
    }

    /** A removal by entry removes only the entry that was found (stale), not one filled since. */
    @Test
    void removingAStaleEntryLeavesItsReplacement() {
        LocalEntry page1 = put(posts, POSTS_1);
        posts.remove(POSTS_1, entry("not the current entry"));
        assertThat(posts.get(POSTS_1)).as("only the entry found stale is removed").isSameAs(page1);
        posts.remove(POSTS_1, page1);
        assertThat(posts.get(POSTS_1)).isNull();
        put(posts, POSTS_1);
        assertThat(posts.remove(POSTS_1)).isTrue();
        assertThat(posts.remove(POSTS_1)).isFalse();

        LocalEntry user = putUser(ID_1);
        users.remove(ID_1, entry("not the current entry"));
        assertThat(users.get(ID_1)).isSameAs(user);
        users.remove(ID_1, user);
        assertThat(users.get(ID_1)).isNull();
        assertThat(users.invalidateEntity(ID_1)).isZero();
        putUser(ID_1);
        assertThat(users.remove(ID_1)).isTrue();
        assertThat(users.invalidateEntity(ID_1)).isZero();
    }

    /** A resync (R8a) drops every entry and claim. */
    @Test
    void clearDropsEntriesAndClaims() {
        put(posts, POSTS_1);
        put(posts, POSTS_1_2);
        CompletableFuture<LocalEntry> running = new CompletableFuture<>();
        posts.claim(POSTS_12, running);
        posts.clear();
        assertThat(posts.keys()).isEmpty();
        assertThat(posts.get(POSTS_1)).isNull();
        assertThat(posts.claim(POSTS_12, new CompletableFuture<>())).isNull();
        assertThat(running).isNotDone();

        putUser(ID_1);
        CompletableFuture<LocalEntry> user = new CompletableFuture<>();
        users.claim(ID_12, user);
        users.clear();
        assertThat(users.keys()).isEmpty();
        assertThat(users.get(ID_1)).isNull();
        assertThat(users.invalidateEntity(ID_1)).isZero();
        assertThat(users.claim(ID_12, new CompletableFuture<>())).isNull();
        assertThat(user).isNotDone();
    }

    // ------------------------------------------------------------------ bounds

    /** The size bound holds without a background thread. */
    @Test
    void theSizeBoundHolds() {
        LocalLayer small = new LocalLayer(10, false, now::get);
        for (int i = 0; i < 200; i++) {
            for (int k = 0; k < (i % 3) + 1; k++) {
                put(small, i + "?k=" + k);
            }
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(10);
        assertThat(small.keys().size()).isBetween(1, 10);
    }

    @Test
    void theSizeBoundHoldsForAnIdOnlyLayer() {
        LocalLayer small = new LocalLayer(10, true, now::get);
        int entities = 200;
        for (int i = 0; i < entities; i++) {
            put(small, String.valueOf(i));
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(10);
        int held = small.keys().size();
        assertThat(held).isBetween(1, 10);
        int invalidated = 0;
        for (int i = 0; i < entities; i++) {
            invalidated += small.invalidateEntity(String.valueOf(i));
        }
        assertThat(invalidated).isEqualTo(held);
        assertThat(small.keys()).isEmpty();
    }

    /** Entries expire the layer's TTL after their own fill. */
    @Test
    void entriesExpireTheTtlAfterTheirFill() {
        put(users, ID_1, entry("first"), SECOND);
        put(posts, POSTS_1, entry("first"), SECOND);
        now.addAndGet(SECOND / 2);
        put(users, ID_12, entry("second"), SECOND);
        put(posts, POSTS_1_2, entry("second"), SECOND);
        now.addAndGet(SECOND / 2 - 1);
        assertThat(users.get(ID_1)).isNotNull();
        assertThat(posts.get(POSTS_1)).isNotNull();
        now.addAndGet(1);
        assertThat(users.get(ID_1)).isNull();
        assertThat(users.get(ID_12)).isNotNull();
        assertThat(posts.get(POSTS_1)).isNull();
        assertThat(posts.get(POSTS_1_2)).isNotNull();
        now.addAndGet(SECOND / 2);
        assertThat(users.get(ID_12)).isNull();
        assertThat(posts.get(POSTS_1_2)).isNull();
    }

    /**
     * A TTL changed at run time (an override, a provider) applies to the entries already held, from their fill:
     * shortening it ages them out, lengthening it keeps them longer.
     */
    @Test
    void aChangedTtlAppliesToTheEntriesHeld() {
        put(users, ID_1, entry("under 10 s"), 10 * SECOND);
        now.addAndGet(2 * SECOND);
        put(users, ID_12, entry("under 1 s"), SECOND);
        assertThat(users.get(ID_1)).as("2 s old, over the new TTL").isNull();
        assertThat(users.get(ID_12)).isNotNull();
        put(users, ID_1, entry("under 1 min"), 60 * SECOND);
        now.addAndGet(30 * SECOND);
        assertThat(users.get(ID_12)).as("filled under 1 s, kept under 1 min").isNotNull();
        assertThat(users.get(ID_1).value()).isEqualTo("under 1 min");
    }

    @Test
    void readingDoesNotExtendATtlAndRefillingRestartsIt() {
        put(users, ID_1, new LocalEntry("a", 0), SECOND);
        now.addAndGet(SECOND / 2);
        assertThat(users.get(ID_1)).isNotNull();
        now.addAndGet(SECOND / 2);
        assertThat(users.get(ID_1)).as("read at half-life, still expires on time").isNull();

        put(posts, POSTS_1, new LocalEntry("b", 0), 3 * SECOND);
        now.addAndGet(2 * SECOND);
        put(posts, POSTS_1, new LocalEntry("c", 0), 3 * SECOND); // an early refresh replaces a live entry
        now.addAndGet(3 * SECOND - 1);
        assertThat(posts.get(POSTS_1).value()).isEqualTo("c");
        now.addAndGet(1);
        assertThat(posts.get(POSTS_1)).isNull();
    }

    /**
     * Caffeine removes expired entries lazily: a longer TTL must not bring one back (it could be older than any TTL
     * allowed, and past the invalidation log's memory of its entity).
     */
    @Test
    void aLongerTtlDoesNotBringBackExpiredEntries() {
        put(users, ID_1, entry("expired"), SECOND);
        put(posts, POSTS_1, entry("expired"), SECOND);
        now.addAndGet(2 * SECOND);
        put(users, ID_12, entry("under 1 min"), 60 * SECOND);
        put(posts, POSTS_12, entry("under 1 min"), 60 * SECOND);
        assertThat(users.get(ID_1)).isNull();
        assertThat(posts.get(POSTS_1)).isNull();
        assertThat(users.keys()).containsExactly(ID_12);
    }

    /** A computation that was taken over and ends late does not replace the newer entry of the one that took over. */
    @Test
    void aLateFillKeepsANewerEntry() {
        LocalEntry newer = put(users, ID_1, new LocalEntry("newer", 20));
        put(users, ID_1, new LocalEntry("late", 10));
        assertThat(users.get(ID_1)).isSameAs(newer);
        LocalEntry refreshed = put(users, ID_1, new LocalEntry("refreshed", 30));
        assertThat(users.get(ID_1)).isSameAs(refreshed);
    }

    /** Early refresh (R21) reads the time an entry has left. */
    @Test
    void theTimeLeftOfAnEntry() {
        assertThat(users.expiresInNanos(ID_1)).isEqualTo(-1);
        put(users, ID_1, entry("a"), 10 * SECOND);
        now.addAndGet(4 * SECOND);
        assertThat(users.expiresInNanos(ID_1)).isEqualTo(6 * SECOND);
        now.addAndGet(6 * SECOND);
        assertThat(users.expiresInNanos(ID_1)).isEqualTo(-1);
    }

    @Test
    void anExpiredEntryOfAnIdOnlyLayerIsNotCounted() {
        put(users, ID_1, new LocalEntry("a", 0), 10 * SECOND);
        now.addAndGet(5 * SECOND);
        put(users, ID_12, new LocalEntry("b", 0), 10 * SECOND);
        now.addAndGet(5 * SECOND);
        users.cleanUp();
        assertThat(users.keys()).containsExactly(ID_12);
        assertThat(users.invalidateEntity(ID_1)).isZero();
        assertThat(users.invalidateEntity(ID_12)).isEqualTo(1);
    }
}
