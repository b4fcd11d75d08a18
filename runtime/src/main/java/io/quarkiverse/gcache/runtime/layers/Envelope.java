package io.quarkiverse.gcache.runtime.layers;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The REMOTE value format (R14): one magic byte {@code 'G'}, one format-version byte, the creation time as 8 bytes
 * (epoch milliseconds of the Redis server, big-endian; R6a), then the serializer's bytes. A value that does not
 * start with this header is unreadable: a miss and an error, never guessed at.
 */
public final class Envelope {

    public static final byte MAGIC = 'G';
    public static final byte VERSION = 1;
    public static final int HEADER = 10;

    private Envelope() {
    }

    public static byte[] wrap(long createdAtMillis, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).put(VERSION).putLong(createdAtMillis)
                .put(payload).array();
    }

    /** Creation time of a well-formed envelope. */
    public static long createdAt(byte[] envelope) {
        check(envelope);
        return ByteBuffer.wrap(envelope, 2, 8).getLong();
    }

    public static byte[] payload(byte[] envelope) {
        check(envelope);
        return Arrays.copyOfRange(envelope, HEADER, envelope.length);
    }

    private static void check(byte[] envelope) {
        if (envelope.length < HEADER || envelope[0] != MAGIC) {
            throw new IllegalStateException("Not a GCache value (bad header)");
        }
        if (envelope[1] != VERSION) {
            throw new IllegalStateException("Unsupported GCache value format version " + envelope[1]);
        }
    }
}
