package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The REMOTE trust rules on their own (reference: R6, R14, R14a, R14b, R18, R25). */
class RemoteTrustTest {

    static final long SHAPE = 42;
    static final long NOW = 1_000_000;
    static final long TTL = TimeUnit.MINUTES.toNanos(5);
    static final byte[] PAYLOAD = { 1, 2, 3 };

    static RemoteRead read(byte[] envelope, long watermark, boolean unguarded) {
        return new RemoteRead(envelope, watermark, NOW, 0, 0, unguarded);
    }

    static RemoteTrust.Verdict judge(RemoteRead read) {
        return RemoteTrust.judge(read, SHAPE, TTL, TTL, () -> false);
    }

    @Test
    void aValueCreatedAfterItsWatermarkIsTrusted() {
        RemoteTrust.Verdict v = judge(read(Envelope.wrap(NOW - 10, SHAPE, PAYLOAD), NOW - 11, false));
        assertThat(v).isInstanceOf(RemoteTrust.Trusted.class);
        assertThat(((RemoteTrust.Trusted) v).payload()).containsExactly(PAYLOAD);
    }

    @Test
    void aValueAtOrBeforeItsWatermarkIsStale() {
        assertThat(judge(read(Envelope.wrap(NOW - 10, SHAPE, PAYLOAD), NOW - 10, false)))
                .isInstanceOf(RemoteTrust.Stale.class);
    }

    @Test
    void aValueWhoseEntityHadNoWatermarkIsStaleWhateverItsDate() {
        assertThat(judge(read(Envelope.wrap(NOW - 10, SHAPE, PAYLOAD), NOW - 1000, true)))
                .isInstanceOf(RemoteTrust.Stale.class);
    }

    @Test
    void aPendingInvalidationMakesATrustedValueStale() {
        RemoteRead r = read(Envelope.wrap(NOW - 10, SHAPE, PAYLOAD), NOW - 11, false);
        assertThat(RemoteTrust.judge(r, SHAPE, TTL, TTL, () -> true)).isInstanceOf(RemoteTrust.Stale.class);
    }

    @Test
    void absentOversizeOtherShapeAndCorruptAreTold() {
        assertThat(judge(read(null, -1, false))).isInstanceOf(RemoteTrust.Absent.class);
        assertThat(judge(new RemoteRead(null, 5, NOW, 0, 9_000_000, false)))
                .isEqualTo(new RemoteTrust.Oversize(9_000_000));
        assertThat(judge(read(Envelope.wrap(NOW - 10, SHAPE + 1, PAYLOAD), NOW - 11, false)))
                .isInstanceOf(RemoteTrust.OtherShape.class);
        assertThat(judge(read(new byte[] { 'x', 'y', 'z' }, NOW - 11, false))).isInstanceOf(RemoteTrust.Corrupt.class);
        assertThat(judge(read(Envelope.wrap(NOW + 60_000, SHAPE, PAYLOAD), NOW - 11, false)))
                .as("dated a minute after the server's time").isInstanceOf(RemoteTrust.Corrupt.class);
    }

    @Test
    void aTtlShortenedAtRunTimeAppliesToValuesAlreadyWritten() {
        RemoteRead tenMinutesOld = read(Envelope.wrap(NOW - 600_000, SHAPE, PAYLOAD), 0, false);
        assertThat(RemoteTrust.judge(tenMinutesOld, SHAPE, TTL, TimeUnit.MINUTES.toNanos(60), () -> false))
                .isInstanceOf(RemoteTrust.Absent.class);
        assertThat(RemoteTrust.judge(tenMinutesOld, SHAPE, TTL, TTL, () -> false))
                .as("the TTL unchanged: Redis' own expiry decides").isInstanceOf(RemoteTrust.Trusted.class);
    }
}
