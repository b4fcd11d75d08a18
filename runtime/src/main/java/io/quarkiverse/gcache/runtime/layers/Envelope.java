package io.quarkiverse.gcache.runtime.layers;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The REMOTE value format (reference rules R14, R14b): one magic byte {@code 'G'}, one format-version byte, the
 * creation time as 8 bytes (epoch milliseconds of the Redis server, big-endian; R6a), the value type's shape
 * fingerprint as 8 bytes (computed at build time), then the serializer's bytes.
 * <p>
 * A value that does not start with this header, or has an unknown version, is {@linkplain CorruptValueException
 * corrupt}: a miss and an error, never guessed at. Version 1 values (before fingerprints) read as a shape mismatch,
 * so they are replaced without counting an error.
 */
public final class Envelope {

    public static final byte MAGIC = 'G';
    public static final byte VERSION = 2;
    /** The format before shape fingerprints: 10 header bytes, no fingerprint. */
    static final byte VERSION_1 = 1;
    public static final int HEADER = 18;

    private Envelope() {
    }

    public static byte[] wrap(long createdAtMillis, long shape, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).put(VERSION).putLong(createdAtMillis)
                .putLong(shape).put(payload).array();
    }

    /** Creation time of a well-formed envelope (version 1 included). */
    public static long createdAt(byte[] envelope) {
        check(envelope);
        return ByteBuffer.wrap(envelope, 2, 8).getLong();
    }

    /** Whether the envelope was written for a value of this shape. */
    public static boolean hasShape(byte[] envelope, long shape) {
        check(envelope);
        return envelope[1] == VERSION && ByteBuffer.wrap(envelope, 10, 8).getLong() == shape;
    }

    public static byte[] payload(byte[] envelope) {
        check(envelope);
        return Arrays.copyOfRange(envelope, HEADER, envelope.length);
    }

    private static void check(byte[] envelope) {
        if (envelope.length < 10 || envelope[0] != MAGIC) {
            throw new CorruptValueException("not a GCache value (bad header)");
        }
        if (envelope[1] == VERSION_1) {
            return;
        }
        if (envelope[1] != VERSION) {
            throw new CorruptValueException("unsupported GCache value format version " + envelope[1]);
        }
        if (envelope.length < HEADER) {
            throw new CorruptValueException("truncated GCache value (" + envelope.length + " bytes)");
        }
    }

    /** A stored value that cannot be trusted: bad header, unknown version, truncated, or dated in the future. */
    public static final class CorruptValueException extends RuntimeException {
        public CorruptValueException(String message) {
            super(message, null, false, false);
        }
    }
}
