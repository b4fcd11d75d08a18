package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether a REMOTE read can be trusted (reference: R6, R6a, R14, R14a, R14b, R18, R25), next to the format it reads:
 * the rules only, as a {@link Verdict}; the caller counts it and deserializes a trusted payload. A value is trusted
 * when it is present, well-formed, not dated after the server's time, created after its entity's watermark (which
 * exists: R25), not covered by an invalidation still waiting to be written, not older than a TTL shortened since it
 * was written, and of the shape the method returns now.
 */
public final class RemoteTrust {

    /** How far after the server's time a creation time may lie before the value is called corrupt (clock slack). */
    static final long FUTURE_TOLERANCE_MILLIS = 1000;

    private RemoteTrust() {
    }

    /** What a read's value is worth. */
    public sealed interface Verdict {
    }

    /** Serve it: the serializer's bytes. */
    public record Trusted(byte[] payload) implements Verdict {
    }

    /** A value over {@code remote.max-value-size} was deleted instead of read (R14a): a miss and an error. */
    public record Oversize(long bytes) implements Verdict {
    }

    /** No value (absent, or older than a TTL shortened at run time). */
    public record Absent() implements Verdict {
    }

    /** Older than an invalidation (watermark, pending invalidation) or its entity has no watermark (R25). */
    public record Stale() implements Verdict {
    }

    /** Written for a value of another shape (R14b): replaced, not an error. */
    public record OtherShape() implements Verdict {
    }

    /** Not a value this format can trust: bad header, unknown version, truncated, dated in the future (R14). */
    public record Corrupt(Envelope.CorruptValueException cause) implements Verdict {
    }

    private static final Absent ABSENT = new Absent();
    private static final Stale STALE = new Stale();
    private static final OtherShape OTHER_SHAPE = new OtherShape();

    /**
     * @param shape the shape fingerprint of the value type the method returns now
     * @param ttlNanos the REMOTE TTL of this call
     * @param largestTtlUsedNanos the longest REMOTE TTL values may have been written with
     * @param pendingInvalidation whether an invalidation of the key's entity waits to be written (R18); asked only for
     *        a value that is otherwise trusted
     */
    public static Verdict judge(RemoteRead read, long shape, long ttlNanos, long largestTtlUsedNanos,
            BooleanSupplier pendingInvalidation) {
        if (read.oversizeDeleted() > 0) {
            return new Oversize(read.oversizeDeleted());
        }
        byte[] envelope = read.envelope();
        if (envelope == null) {
            return ABSENT;
        }
        try {
            long createdAt = Envelope.createdAt(envelope);
            if (createdAt > read.serverNowMillis() + read.clockSlackMillis() + FUTURE_TOLERANCE_MILLIS) {
                throw new Envelope.CorruptValueException("created at " + createdAt + ", after the server's time "
                        + read.serverNowMillis());
            }
            if (read.unguarded() || createdAt <= read.watermark() || pendingInvalidation.getAsBoolean()) {
                return STALE;
            }
            if (ttlNanos < largestTtlUsedNanos
                    && createdAt + TimeUnit.NANOSECONDS.toMillis(ttlNanos) <= read.serverNowMillis()) {
                // Older than the TTL in force, shorter than one values were written with: a TTL shortened at run time
                // applies to the values already in Redis (reference: runtime control), which keep the expiry they
                // were written with. Only then: the stamp is the computation's start, so the age exceeds the time in
                // Redis by the method's duration, which must not shorten an unchanged TTL.
                return ABSENT;
            }
            if (!Envelope.hasShape(envelope, shape)) {
                return OTHER_SHAPE;
            }
            return new Trusted(Envelope.payload(envelope));
        } catch (Envelope.CorruptValueException e) {
            return new Corrupt(e);
        }
    }
}
