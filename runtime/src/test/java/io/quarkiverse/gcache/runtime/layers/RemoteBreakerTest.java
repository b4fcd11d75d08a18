package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The breaker's state machine (reference rules R10, R10a) on an injected clock: no Quarkus, no Redis, no sleeps.
 */
class RemoteBreakerTest {

    static final long PAUSE_MS = 1000;
    static final long PROBE_DEADLINE_MS = 1500;

    final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(42));
    final RemoteBreaker breaker = new RemoteBreaker(PAUSE_MS, PROBE_DEADLINE_MS, now::get);

    void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.tryAcquire().failure();
        }
    }

    @Test
    void closedGrantsEveryCallTheSharedPermit() {
        RemoteBreaker.Permit a = breaker.tryAcquire();
        RemoteBreaker.Permit b = breaker.tryAcquire();
        assertThat(a).isSameAs(b);
        assertThat(a.isProbe()).isFalse();
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail(RemoteBreaker.THRESHOLD - 1);
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.tryAcquire()).isNotNull();
        breaker.tryAcquire().failure();
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.tryAcquire()).isNull();
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        fail(RemoteBreaker.THRESHOLD - 1);
        breaker.tryAcquire().success();
        fail(RemoteBreaker.THRESHOLD - 1);
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void afterThePauseExactlyOneProbe() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS - 1);
        assertThat(breaker.tryAcquire()).isNull();
        advance(1);
        RemoteBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe).isNotNull();
        assertThat(probe.isProbe()).isTrue();
        assertThat(breaker.tryAcquire()).as("second caller while the probe is out").isNull();
    }

    @Test
    void probeSuccessCloses() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        breaker.tryAcquire().success();
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.tryAcquire()).isNotNull();
        // and the failure count starts from zero again
        fail(RemoteBreaker.THRESHOLD - 1);
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void probeFailureReopensForAnotherPause() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        breaker.tryAcquire().failure();
        assertThat(breaker.isOpen()).isTrue();
        advance(PAUSE_MS - 1);
        assertThat(breaker.tryAcquire()).isNull();
        advance(1);
        assertThat(breaker.tryAcquire()).isNotNull();
    }

    /** R10a: a probe that ends without a verdict (cancelled) lets the next call probe at once. */
    @Test
    void releasedProbeAllowsANewProbe() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        breaker.tryAcquire().release();
        RemoteBreaker.Permit next = breaker.tryAcquire();
        assertThat(next).isNotNull();
        next.success();
        assertThat(breaker.isOpen()).isFalse();
    }

    /**
     * R10a, the outage bug: a probe permit that is never reported (taken by a call that then hit LOCAL, in the old
     * code) must not keep REMOTE off forever.
     */
    @Test
    void aLostProbeIsReplacedAfterTheProbeDeadline() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        assertThat(breaker.tryAcquire()).isNotNull(); // lost: never reported
        advance(PROBE_DEADLINE_MS - 1);
        assertThat(breaker.tryAcquire()).isNull();
        advance(1);
        RemoteBreaker.Permit second = breaker.tryAcquire();
        assertThat(second).isNotNull();
        second.success();
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void aProbeReportsOnlyOnce() {
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        RemoteBreaker.Permit probe = breaker.tryAcquire();
        probe.success();
        probe.failure(); // ignored: the outcome was already reported
        assertThat(breaker.isOpen()).isFalse();
        fail(RemoteBreaker.THRESHOLD - 1);
        assertThat(breaker.isOpen()).isFalse();
    }

    /** A call granted before the breaker opened may answer late; a success proves Redis is back. */
    @Test
    void aLateSuccessOfAnEarlierCallCloses() {
        RemoteBreaker.Permit early = breaker.tryAcquire();
        fail(RemoteBreaker.THRESHOLD);
        assertThat(breaker.isOpen()).isTrue();
        early.success();
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void lateFailuresWhileOpenExtendThePause() {
        RemoteBreaker.Permit early = breaker.tryAcquire();
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS - 10);
        early.failure();
        advance(10);
        assertThat(breaker.tryAcquire()).as("pause restarted by the late failure").isNull();
        advance(PAUSE_MS);
        assertThat(breaker.tryAcquire()).isNotNull();
    }

    /** The clock is compared by difference, so a nanoTime near overflow behaves like any other. */
    @Test
    void survivesClockOverflow() {
        now.set(Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(100));
        fail(RemoteBreaker.THRESHOLD);
        advance(PAUSE_MS);
        RemoteBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe).isNotNull();
        probe.success();
        assertThat(breaker.isOpen()).isFalse();
    }
}
