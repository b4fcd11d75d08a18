package io.quarkiverse.gcache.runtime.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.runtime.layers.LocalEntry;

/**
 * The LOCAL side of R6a (a value whose computation began before its entity's latest invalidation is stale), R8 (an
 * invalidation flood stays bounded without ever serving a stale value) and R8a (a resync makes every tracked value
 * computed before it stale), on an injected nanosecond clock.
 */
class InvalidationLogTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long RETENTION = 60 * SECOND;
    static final String USERS = "user_id";
    static final String USER_1 = "1";
    static final String USER_2 = "2";

    final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(5));
    InvalidationLog log = new InvalidationLog(RETENTION, 1000, now::get);

    void advance(long nanos) {
        now.addAndGet(nanos);
    }

    /** A LOCAL entry with its local key: the escaped id, then {@code ?} and the arguments if any. */
    record Keyed(LocalEntry entry, String key) {
    }

    /** An entry of the local key {@code key} whose computation began {@code ago} nanoseconds before now. */
    Keyed startedAgo(String key, long ago) {
        return new Keyed(new LocalEntry("v", now.get() - ago), key);
    }

    Keyed startedIn(String key, long in) {
        return startedAgo(key, -in);
    }

    boolean stale(Keyed e, boolean tracked, InvalidationLog.Entities entities) {
        return log.isStale(e.entry(), e.key(), tracked, entities);
    }

    /** A computation longer than the log's memory cannot be judged: its value is not kept. */
    @Test
    void aComputationThatOutlivedTheLogIsNotKept() {
        long start = now.get();
        advance(RETENTION - 1);
        assertThat(log.outlived(start)).isFalse();
        advance(1);
        assertThat(log.outlived(start)).isTrue();
    }

    /**
     * A use case with key arguments keeps no index of an entity's keys: the log finds the entity at the start of the
     * key, up to its first {@code ?} (an escaped id has none), without copying it.
     */
    @Test
    void keysWithArgumentsAreStaleByTheirEntity() {
        advance(SECOND);
        log.record(USERS, USER_1, 0);
        log.record(USERS, "7%3F", 0); // the id "7?" escaped
        assertThat(stale(startedAgo(USER_1 + "?page=2", 1), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo(USER_1 + "?page=2&sort=new", 1), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo(USER_1 + "2?page=2", 1), false, log.of(USERS))).as("another entity").isFalse();
        assertThat(stale(startedAgo("7%3F?page=1", 1), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo("7?page=1", 1), false, log.of(USERS))).as("the entity 7").isFalse();
        assertThat(stale(startedIn(USER_1 + "?page=2", 1), false, log.of(USERS))).as("computed after").isFalse();
        // ids beyond Latin-1 hash as the String would
        log.record(USERS, "\u00e9t\u00e9\u4e2d", 0);
        assertThat(stale(startedAgo("\u00e9t\u00e9\u4e2d?x=1", 1), false, log.of(USERS))).isTrue();
    }

    @Test
    void nothingIsStaleBeforeAnyInvalidation() {
        advance(SECOND);
        assertThat(stale(startedAgo(USER_1, 0), true, log.of(USERS))).isFalse();
        assertThat(stale(startedAgo(USER_1, SECOND - 1), true, log.of(USERS))).isFalse();
        assertThat(log.size()).isZero();
    }

    /** Nothing computed before this instance existed can be in its LOCAL layer: such a start is stale. */
    @Test
    void valuesDatedBeforeTheLogExistedAreStale() {
        assertThat(stale(startedAgo(USER_1, 1), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo(USER_1, 0), false, log.of(USERS))).isFalse();
    }

    /** R6a: the race of a computation that began before the invalidation and stores its old value after it. */
    @Test
    void valuesComputedUpToTheInvalidationAreStaleLaterOnesAreNot() {
        advance(10 * SECOND);
        Keyed before = startedAgo(USER_1, SECOND);
        Keyed same = startedAgo(USER_1, 0);
        log.record(USERS, USER_1, 0);
        advance(1);
        Keyed after = startedAgo(USER_1, 0);
        assertThat(stale(before, false, log.of(USERS))).isTrue();
        assertThat(stale(same, false, log.of(USERS))).as("at the invalidation's instant").isTrue();
        assertThat(stale(after, false, log.of(USERS))).isFalse();
        assertThat(stale(after, true, log.of(USERS))).isFalse();
    }

    @Test
    void onlyTheInvalidatedEntityIsStale() {
        advance(SECOND);
        Keyed other = startedAgo(USER_2, SECOND / 2);
        Keyed lookalike = startedAgo("12", SECOND / 2);
        log.record(USERS, USER_1, 0);
        assertThat(stale(startedAgo(USER_1, SECOND / 2), true, log.of(USERS))).isTrue();
        assertThat(stale(other, true, log.of(USERS))).isFalse();
        assertThat(stale(lookalike, true, log.of(USERS))).isFalse();
        assertThat(stale(startedAgo(USER_1, SECOND / 2), true, log.of("order_id")))
                .as("the same id of another key type").isFalse();
    }

    /** A future buffer covers values computed until that long after the invalidation. */
    @Test
    void theFutureBufferExtendsStaleness() {
        log.record(USERS, USER_1, 5 * SECOND);
        assertThat(stale(startedIn(USER_1, 5 * SECOND), false, log.of(USERS))).isTrue();
        assertThat(stale(startedIn(USER_1, 5 * SECOND + 1), false, log.of(USERS))).isFalse();
    }

    @Test
    void aNegativeBufferCountsAsNone() {
        advance(SECOND);
        log.record(USERS, USER_1, -SECOND);
        assertThat(stale(startedAgo(USER_1, 0), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo(USER_1, SECOND / 2), false, log.of(USERS))).isTrue();
    }

    /** A later invalidation with a shorter buffer must not shorten an earlier, longer one. */
    @Test
    void theLatestUntilWins() {
        log.record(USERS, USER_1, 10 * SECOND);
        advance(SECOND);
        log.record(USERS, USER_1, 0);
        assertThat(stale(startedIn(USER_1, 8 * SECOND), false, log.of(USERS))).isTrue();
        advance(20 * SECOND);
        log.record(USERS, USER_1, 0);
        assertThat(stale(startedAgo(USER_1, 0), false, log.of(USERS))).isTrue();
        assertThat(log.size()).isEqualTo(1);
    }

    /** R8a: after a subscription gap, every value of a tracked use case computed until now is stale. */
    @Test
    void invalidateAllIsAFloorForTrackedUseCasesOnly() {
        advance(SECOND);
        Keyed before = startedAgo(USER_1, SECOND / 2);
        log.invalidateAll();
        assertThat(stale(before, true, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo(USER_2, 0), true, log.of(USERS))).as("computed at the resync").isTrue();
        assertThat(stale(before, false, log.of(USERS))).as("untracked use cases do not depend on broadcasts").isFalse();
        advance(1);
        assertThat(stale(startedAgo(USER_1, 0), true, log.of(USERS))).isFalse();
        assertThat(log.size()).isZero();
    }

    @Test
    void invalidateAllNeverMovesTheFloorBack() {
        advance(SECOND);
        log.invalidateAll();
        Keyed atResync = startedAgo(USER_1, 0);
        now.addAndGet(-SECOND / 2); // a clock read that lost a race: earlier than the last resync
        log.invalidateAll();
        assertThat(stale(atResync, true, log.of(USERS))).isTrue();
    }

    /** Past retention, every value computed before an invalidation has expired anyway: the entry is forgotten. */
    @Test
    void entriesAreForgottenAfterRetention() {
        advance(SECOND);
        log.record(USERS, USER_1, 0);
        Keyed old = startedAgo(USER_1, 0);
        advance(RETENTION);
        log.record(USERS, USER_2, 0); // pruning happens on record
        assertThat(log.size()).as("kept until retention has fully passed").isEqualTo(2);
        assertThat(stale(old, false, log.of(USERS))).isTrue();
        advance(1);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(1);
        assertThat(stale(old, false, log.of(USERS))).as("forgotten, and no floor raised").isFalse();
        assertThat(stale(startedAgo(USER_1, 0), false, log.of(USERS))).isFalse();
    }

    /** Retention is measured from the end of the buffer: the entry must outlive every value it makes stale. */
    @Test
    void retentionCountsFromTheEndOfTheBuffer() {
        log.record(USERS, USER_1, 10 * SECOND);
        advance(RETENTION + 5 * SECOND);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(2);
        advance(5 * SECOND + 1);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(1);
    }

    /** Retention follows the longest LOCAL TTL, and a shorter TTL never shrinks it. */
    @Test
    void retentionOnlyGrows() {
        log.retention(2 * RETENTION);
        log.retention(SECOND);
        log.record(USERS, USER_1, 0);
        advance(2 * RETENTION);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(2);
        advance(1);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(1);
    }

    /** Pruning an old record of an entity must not forget a later invalidation of the same entity. */
    @Test
    void pruningKeepsALaterInvalidationOfTheSameEntity() {
        log.record(USERS, USER_1, 0);
        advance(RETENTION / 2);
        log.record(USERS, USER_1, 0);
        Keyed beforeSecond = startedAgo(USER_1, 1);
        advance(RETENTION / 2 + 1);
        log.record(USERS, USER_2, 0); // drops the first record of USER_1
        assertThat(log.size()).isEqualTo(2);
        assertThat(stale(beforeSecond, false, log.of(USERS))).isTrue();
    }

    /**
     * R8 flood: beyond capacity the oldest entry is forgotten and the floor rises to its time, so every value computed
     * until then is stale, whatever its entity: forgetting costs hits, never correctness.
     */
    @Test
    void overflowRaisesTheFloorInsteadOfForgettingSilently() {
        log = new InvalidationLog(RETENTION, 3, now::get);
        advance(SECOND);
        Keyed neverInvalidated = startedAgo("99", 0);
        log.record(USERS, "a", 0);
        Keyed ofA = startedAgo("a", 0);
        advance(SECOND);
        Keyed betweenAAndB = startedAgo("99", 0);
        log.record(USERS, "b", 0);
        advance(SECOND);
        log.record(USERS, "c", 0);
        assertThat(log.size()).isEqualTo(3);
        assertThat(stale(neverInvalidated, false, log.of(USERS))).isFalse();

        advance(SECOND);
        log.record(USERS, "d", 0);
        assertThat(log.size()).as("bounded").isEqualTo(3);
        assertThat(stale(ofA, false, log.of(USERS))).as("a's entry is gone, the floor covers it").isTrue();
        assertThat(stale(neverInvalidated, false, log.of(USERS))).as("floor: at or before a's invalidation").isTrue();
        assertThat(stale(neverInvalidated, true, log.of(USERS))).isTrue();
        assertThat(stale(betweenAAndB, false, log.of(USERS))).as("after the floor").isFalse();
        assertThat(stale(startedAgo("b", 2 * SECOND), false, log.of(USERS))).as("b is still remembered").isTrue();
        assertThat(stale(startedAgo("b", 2 * SECOND - 1), false, log.of(USERS))).isFalse();
    }

    @Test
    void aLargeFloodStaysWithinCapacity() {
        log = new InvalidationLog(RETENTION, 100, now::get);
        for (int i = 0; i < 10_000; i++) {
            advance(1000);
            log.record(USERS, String.valueOf(i), 0);
        }
        assertThat(log.size()).isEqualTo(100);
        assertThat(stale(startedAgo("9999", 0), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo("0", 0), false, log.of(USERS))).as("forgotten, but long after the floor")
                .isFalse();
        // older than the 100 remembered: only the floor makes it stale
        assertThat(stale(startedAgo("9899", 100 * 1000), false, log.of(USERS))).isTrue();
        assertThat(stale(startedAgo("9899", 100 * 1000 - 1), false, log.of(USERS))).isFalse();
    }

    /** The clock is compared by difference, so a nanoTime near overflow behaves like any other. */
    @Test
    void survivesClockOverflow() {
        now.set(Long.MAX_VALUE - SECOND);
        log = new InvalidationLog(RETENTION, 1000, now::get);
        log.record(USERS, USER_1, 2 * SECOND); // until is past Long.MAX_VALUE
        assertThat(stale(startedIn(USER_1, 2 * SECOND), false, log.of(USERS))).isTrue();
        assertThat(stale(startedIn(USER_1, 2 * SECOND + 1), false, log.of(USERS))).isFalse();
        advance(RETENTION + 2 * SECOND + 1);
        log.record(USERS, USER_2, 0);
        assertThat(log.size()).isEqualTo(1);
        assertThat(stale(startedAgo(USER_2, 0), false, log.of(USERS))).isTrue();
        assertThat(stale(startedIn(USER_2, 1), false, log.of(USERS))).isFalse();
    }
}
