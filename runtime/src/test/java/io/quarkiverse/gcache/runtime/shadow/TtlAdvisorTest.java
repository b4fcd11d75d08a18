package io.quarkiverse.gcache.runtime.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** R23: the largest age at which at least 99 % of shadow comparisons matched. */
class TtlAdvisorTest {

    private static long ms(double millis) {
        return (long) (millis * 1_000_000);
    }

    @Test
    void noSuggestionBelowTheMinimumSamples() {
        TtlAdvisor advisor = new TtlAdvisor(100);
        for (int i = 0; i < 99; i++) {
            advisor.record(ms(10), true);
        }
        TtlAdvisor.Suggestion s = advisor.suggest();
        assertThat(s.present()).isFalse();
        assertThat(s.samples()).isEqualTo(99);
        advisor.record(ms(10), true);
        assertThat(advisor.suggest().present()).isTrue();
    }

    @Test
    void valuesRightUntilTwoSecondsSuggestAboutTwoSeconds() {
        // fills aligned with the source's changes (a mismatch refreshes the key): right below 2 s, wrong after
        TtlAdvisor advisor = new TtlAdvisor(100);
        for (double age = 1; age < 1990; age += 2) {
            advisor.record(ms(age), true);
        }
        for (int cycle = 0; cycle < 5; cycle++) {
            advisor.record(ms(2005), false);
        }
        TtlAdvisor.Suggestion s = advisor.suggest();
        assertThat(s.ttl()).isBetween(Duration.ofMillis(1800), Duration.ofMillis(2100));
        assertThat(s.atLeast()).isFalse();
    }

    @Test
    void oneWrongValueInAHundredAtAnAgeIsStillRight() {
        TtlAdvisor advisor = new TtlAdvisor(10);
        for (int i = 0; i < 99; i++) {
            advisor.record(ms(500), true);
        }
        advisor.record(ms(500), false);
        for (int i = 0; i < 50; i++) {
            advisor.record(ms(900), true);
        }
        advisor.record(ms(900), false);
        advisor.record(ms(900), false); // 50 of 52 at this age: under 99 %, and more than a stray mismatch
        TtlAdvisor.Suggestion s = advisor.suggest();
        assertThat(s.ttl()).isBetween(Duration.ofMillis(500), Duration.ofMillis(900));
    }

    @Test
    void valuesChangingAtRandomTimesSuggestAShortTtl() {
        // a source that changes every 2 s, filled at random times: a value of age a is wrong with chance a / 2 s
        Random random = new Random(42);
        TtlAdvisor advisor = new TtlAdvisor(100);
        for (int i = 0; i < 100_000; i++) {
            double age = random.nextDouble() * 2000;
            advisor.record(ms(age), random.nextDouble() >= age / 2000);
        }
        assertThat(advisor.suggest().ttl()).isLessThan(Duration.ofMillis(100));
    }

    @Test
    void noMismatchSuggestsAtLeastTheOldestAgeSeen() {
        TtlAdvisor advisor = new TtlAdvisor(10);
        for (int i = 0; i < 100; i++) {
            advisor.record(TimeUnit.SECONDS.toNanos(30) + i, true);
        }
        TtlAdvisor.Suggestion s = advisor.suggest();
        assertThat(s.atLeast()).isTrue();
        assertThat(s.ttl()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(33));
    }

    @Test
    void oneStrayMismatchAmongFewYoungComparisonsDoesNotEndTheWalk() {
        TtlAdvisor advisor = new TtlAdvisor(100);
        for (int i = 0; i < 20; i++) {
            advisor.record(ms(5), true);
        }
        advisor.record(ms(5), false);
        for (int i = 0; i < 1000; i++) {
            advisor.record(ms(800), true);
        }
        for (int i = 0; i < 5; i++) {
            advisor.record(ms(2000), false);
        }
        assertThat(advisor.suggest().ttl()).isBetween(Duration.ofMillis(1800), Duration.ofMillis(2000));
    }

    @Test
    void bucketsCoverMillisecondsToDays() {
        assertThat(TtlAdvisor.bucket(0)).isZero();
        assertThat(TtlAdvisor.bucket(ms(1))).isZero();
        assertThat(TtlAdvisor.bucket(TimeUnit.DAYS.toNanos(365))).isEqualTo(30 * 8 - 1);
        for (long m = 2; m < 1_000_000; m = m * 3 / 2) {
            Duration lower = TtlAdvisor.lowerBound(TtlAdvisor.bucket(ms(m)));
            assertThat(lower.toMillis()).isLessThanOrEqualTo(m);
            assertThat(TtlAdvisor.lowerBound(TtlAdvisor.bucket(ms(m)) + 1).toMillis()).isGreaterThanOrEqualTo(m);
        }
    }
}
