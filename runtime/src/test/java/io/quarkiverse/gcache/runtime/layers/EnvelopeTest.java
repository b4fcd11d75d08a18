package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.runtime.layers.Envelope.CorruptValueException;

/** The REMOTE value format (reference R14, R14a, R14b), byte for byte, with no Redis. */
class EnvelopeTest {

    static final long CREATED = 0x0102030405060708L;
    static final long SHAPE = 0x1112131415161718L;

    @Test
    void headerLayoutIsMagicVersionTimeShapeThenPayload() {
        byte[] envelope = Envelope.wrap(CREATED, SHAPE, new byte[] { 'x', 'y' });
        // the documented layout: big-endian longs, so other readers (tools, future versions) can decode it
        assertThat(envelope).containsExactly('G', 2,
                1, 2, 3, 4, 5, 6, 7, 8,
                0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                'x', 'y');
        assertThat(Envelope.HEADER).isEqualTo(18);
    }

    @Test
    void roundTrip() {
        byte[] payload = "{\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8);
        byte[] envelope = Envelope.wrap(1_700_000_000_123L, SHAPE, payload);
        assertThat(Envelope.createdAt(envelope)).isEqualTo(1_700_000_000_123L);
        assertThat(Envelope.hasShape(envelope, SHAPE)).isTrue();
        assertThat(Envelope.payload(envelope)).isEqualTo(payload);
    }

    @Test
    void emptyPayloadRoundTrips() {
        byte[] envelope = Envelope.wrap(5, SHAPE, new byte[0]);
        assertThat(envelope).hasSize(Envelope.HEADER);
        assertThat(Envelope.createdAt(envelope)).isEqualTo(5);
        assertThat(Envelope.payload(envelope)).isEmpty();
    }

    /** R14b: another fingerprint is a schema miss, not corruption. */
    @Test
    void anotherShapeIsNotThisShape() {
        byte[] envelope = Envelope.wrap(CREATED, SHAPE, new byte[] { 1 });
        assertThat(Envelope.hasShape(envelope, SHAPE + 1)).isFalse();
        assertThat(Envelope.hasShape(envelope, Long.reverseBytes(SHAPE))).as("byte order").isFalse();
        assertThat(Envelope.createdAt(envelope)).isEqualTo(CREATED);
    }

    /** R14b: values written before fingerprints (version 1) read, and never match a shape, so they are replaced. */
    @Test
    void version1ValuesAreReadableButNeverHaveTheShape() {
        byte[] v1 = { 'G', 1, 1, 2, 3, 4, 5, 6, 7, 8 };
        assertThat(Envelope.createdAt(v1)).isEqualTo(CREATED);
        assertThat(Envelope.hasShape(v1, SHAPE)).isFalse();
        // even when its payload happens to start with the fingerprint's bytes
        byte[] lookalike = Envelope.wrap(CREATED, SHAPE, new byte[] { 'p' });
        lookalike[1] = 1;
        assertThat(Envelope.hasShape(lookalike, SHAPE)).isFalse();
    }

    /** R14/R14a: anything else is corrupt, an error and a miss; never guessed at. */
    @Test
    void foreignOrDamagedBytesAreCorrupt() {
        assertCorrupt(new byte[0], "bad header");
        assertCorrupt(new byte[] { 'G', 2 }, "bad header");
        assertCorrupt(new byte[] { 'G', 1, 0, 0, 0, 0, 0, 0, 0 }, "bad header"); // 9 bytes: not even a v1 header
        // what Python gcache (or anyone else) writes: JSON, pickle
        assertCorrupt("{\"id\":1,\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8), "bad header");
        assertCorrupt(new byte[] { (byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
                "bad header");
        byte[] lowercase = Envelope.wrap(CREATED, SHAPE, new byte[] { 1 });
        lowercase[0] = 'g';
        assertCorrupt(lowercase, "bad header");
    }

    @Test
    void unknownVersionsAreCorrupt() {
        for (byte version : new byte[] { 0, 3, 'G', (byte) 0xFF }) {
            byte[] envelope = Envelope.wrap(CREATED, SHAPE, new byte[] { 1 });
            envelope[1] = version;
            assertCorrupt(envelope, "unsupported GCache value format version " + version);
        }
    }

    @Test
    void aTruncatedVersion2HeaderIsCorrupt() {
        byte[] full = Envelope.wrap(CREATED, SHAPE, new byte[0]);
        for (int length = 10; length < Envelope.HEADER; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertCorrupt(cut, "truncated GCache value (" + length + " bytes)");
        }
    }

    private static void assertCorrupt(byte[] bytes, String message) {
        for (Consumer<byte[]> read : List.<Consumer<byte[]>> of(Envelope::createdAt,
                b -> Envelope.hasShape(b, SHAPE), Envelope::payload)) {
            assertThatThrownBy(() -> read.accept(bytes)).isInstanceOf(CorruptValueException.class)
                    .hasMessageContaining(message);
        }
    }
}
