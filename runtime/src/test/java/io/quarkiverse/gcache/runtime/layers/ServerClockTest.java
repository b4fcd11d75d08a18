package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The server's clock between samples (reference R6a): a lower bound, fresh for a second. */
class ServerClockTest {

    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    final AtomicLong now = new AtomicLong(1_000_000 * MS);
    final ServerClock clock = new ServerClock(1000 * MS, now::get);

    @Test
    void noSampleMeansAskForTime() {
        assertThat(clock.fresh()).isNull();
    }

    /**
     * The server read its clock somewhere in the sample's round trip: counting from the reply's arrival never puts
     * the estimate past the server's true time, and the round trip is how far it may lag.
     */
    @Test
    void theEstimateCountsFromTheReplyAndItsSlackIsTheRoundTrip() {
        long sent = now.get();
        now.addAndGet(3 * MS + 1); // the reply arrives 3 ms and a nanosecond later
        clock.record(50_000, sent);
        ServerClock.Sample sample = clock.fresh();
        assertThat(sample).isNotNull();
        assertThat(sample.slackMillis()).isEqualTo(4);
        now.addAndGet(250 * MS);
        // 250 ms counted 0.1 % short (249.75 ms), in whole milliseconds: rates of the two clocks may differ a little
        assertThat(clock.lowerBound(sample)).isEqualTo(50_249);
    }

    @Test
    void aSampleServesForASecond() {
        clock.record(50_000, now.get());
        now.addAndGet(999 * MS);
        assertThat(clock.fresh()).isNotNull();
        now.addAndGet(MS);
        assertThat(clock.fresh()).isNull();
        clock.record(51_000, now.get());
        assertThat(clock.lowerBound(clock.fresh())).isEqualTo(51_000);
        now.addAndGet(2 * MS);
        assertThat(clock.lowerBound(clock.fresh())).isEqualTo(51_001);
    }

    /** A failed operation drops the sample: the server may have changed (a failover). */
    @Test
    void aForgottenSampleIsNotUsed() {
        clock.record(50_000, now.get());
        clock.forget();
        assertThat(clock.fresh()).isNull();
    }
}
