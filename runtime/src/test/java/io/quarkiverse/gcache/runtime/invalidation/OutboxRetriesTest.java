package io.quarkiverse.gcache.runtime.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.runtime.invalidation.InvalidationOutbox.Pending;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The outbox's retries (reference rule R33) on an injected clock and injected writes: every entity is retried on its
 * own, writes that hang or fail never hold back the others, a Redis that answers nothing is probed instead of flooded,
 * and the last try at shutdown tries everything within its budget.
 */
class OutboxRetriesTest {

    static final long MAX_AGE = TimeUnit.HOURS.toNanos(4);

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final InvalidationOutbox outbox = new InvalidationOutbox(1000, now::get);
    /** Entities whose writes fail at once; entities whose writes never end; every write started, by entity. */
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Set<String> hanging = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    final Map<String, UniEmitter<? super Void>> pendingWrites = new ConcurrentHashMap<>();

    final Function<Pending, Uni<Void>> write = p -> {
        attempts.merge(p.entity(), 1, Integer::sum);
        if (failing.contains(p.entity())) {
            return Uni.createFrom().failure(new IllegalStateException("refused"));
        }
        if (hanging.contains(p.entity())) {
            return Uni.createFrom().emitter(e -> pendingWrites.put(p.entity(), e));
        }
        return Uni.createFrom().voidItem().invoke(() -> outbox.written(p));
    };
    final OutboxRetries retries = new OutboxRetries(outbox, write, now::get);

    static String entity(int i) {
        return "{urn:item:" + i + "}";
    }

    void add(int from, int to) {
        for (int i = from; i < to; i++) {
            outbox.add("item", entity(i), 0);
            now.addAndGet(1000); // in this order: the first is the oldest
        }
    }

    @Test
    void aFailingOldestEntityHoldsBackNoOther() {
        add(0, 50);
        failing.add(entity(0)); // the oldest: before R33, a round stopped at it

        retries.round(MAX_AGE);

        assertThat(outbox.size()).isEqualTo(1);
        assertThat(outbox.isPending(entity(0))).isTrue();
        for (int i = 1; i < 50; i++) {
            assertThat(attempts.get(entity(i))).isEqualTo(1);
        }
    }

    @Test
    void writesThatHangTakeAtMostHalfOfTheRoomOnceTheyFailed() {
        add(0, 40);
        for (int i = 0; i < 40; i++) {
            failing.add(entity(i));
        }
        retries.round(MAX_AGE); // every write refused: all 40 failed once
        assertThat(outbox.size()).isEqualTo(40);
        failing.clear();
        for (int i = 0; i < 40; i++) {
            hanging.add(entity(i)); // a master that stopped answering: writes end only at their timeout
        }
        add(100, 110); // then invalidations of entities on healthy masters
        now.addAndGet(Invalidator.RETRY_MILLIS * 1_000_000);

        // a success of a fresh entity shows Redis answers; the failed ones are retried, at most half the room
        retries.round(MAX_AGE);

        for (int i = 100; i < 110; i++) {
            assertThat(outbox.isPending(entity(i))).as("entity %d", i).isFalse();
        }
        assertThat(pendingWrites).hasSize(OutboxRetries.CONCURRENCY / 2);
        // another fresh invalidation still finds room while those hang
        add(200, 201);
        retries.round(MAX_AGE);
        assertThat(outbox.isPending(entity(200))).isFalse();
        // each hung write ends (its timeout), and the next waiting one starts in its place
        List.copyOf(pendingWrites.keySet()).forEach(e -> pendingWrites.remove(e).fail(new IllegalStateException("timeout")));
        assertThat(pendingWrites).hasSize(OutboxRetries.CONCURRENCY / 2);
    }

    @Test
    void aRedisThatAnswersNothingIsProbedNotFlooded() {
        add(0, 30);
        for (int i = 0; i < 30; i++) {
            failing.add(entity(i));
        }
        retries.round(MAX_AGE); // fresh: each tried once
        assertThat(attempts.values()).allMatch(n -> n == 1);

        for (int round = 0; round < 5; round++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(Invalidator.RETRY_MILLIS));
            retries.round(MAX_AGE);
        }
        // one probe per round while nothing succeeds
        assertThat(attempts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30 + 5);

        failing.clear(); // Redis is back: the next probe succeeds and the rest follow in the same round
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(Invalidator.RETRY_MILLIS));
        retries.round(MAX_AGE);
        assertThat(outbox.size()).isZero();
    }

    @Test
    void theLastTryTriesEveryEntityWithinItsBudget() {
        add(0, 20);
        for (int i = 0; i < 20; i++) {
            failing.add(entity(i));
        }
        retries.round(MAX_AGE); // all failed once: a round would now only probe one of them
        failing.clear();
        hanging.add(entity(3)); // one write never ends
        failing.add(entity(4));

        // ends although one write never does: the budget bounds it
        retries.lastTry(Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5));

        assertThat(outbox.snapshot()).extracting(Pending::entity).containsExactlyInAnyOrder(entity(3), entity(4));
        assertThat(attempts.get(entity(10))).isEqualTo(2); // tried although it had failed
    }

    @Test
    void anEntryNamesItsEntityForAReplay() {
        outbox.add("user id", "{urn:user%20id:a%3Ab%7B%C3%BC}", 0);
        Pending p = outbox.snapshot().get(0);
        assertThat(p.keyType()).isEqualTo("user id");
        assertThat(p.id()).isEqualTo("a:b{ü");
        assertThat(p.toString()).isEqualTo("key type user id, id a:b{ü ({urn:user%20id:a%3Ab%7B%C3%BC}#watermark)");
    }
}
