package io.quarkiverse.gcache.runtime.layers;

/**
 * What one REMOTE read returns, in one round trip (R6): the stored envelope ({@code null} when absent), the
 * entity's watermark ({@code -1} when none or untracked), the Redis server's clock when the read arrived (R6a: its
 * {@code TIME}, or a lower bound from a recent one, see {@link ServerClock}), how far the server's true time may be past
 * that ({@code 0} for a read's own {@code TIME}), and the size of a value that was over {@code remote.max-value-size}
 * and deleted instead of read ({@code 0} otherwise, R14a), and whether the read found the entity of a tracked key
 * without a watermark ({@code unguarded}, R25): its value, if any, is then not trusted, and the watermark and time are
 * those of the script that created the watermark (see {@code RemoteLayer#guard}), so that a value computed after it
 * is stamped after the watermark.
 */
public record RemoteRead(byte[] envelope, long watermark, long serverNowMillis, long clockSlackMillis,
        long oversizeDeleted, boolean unguarded) {

    /** The creation time of the value read; -1 when there is none, -2 when it is unreadable (equal to no other). */
    public long createdAt() {
        try {
            return envelope == null ? -1 : Envelope.createdAt(envelope);
        } catch (RuntimeException e) {
            return -2;
        }
    }
}
