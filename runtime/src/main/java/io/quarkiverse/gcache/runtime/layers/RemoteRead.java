package io.quarkiverse.gcache.runtime.layers;

/**
 * What one REMOTE read returns, in one round trip (R6): the stored envelope ({@code null} when absent), the
 * entity's watermark ({@code -1} when none or untracked), the Redis server's clock when the read arrived (R6a: its
 * {@code TIME}, or a lower bound from a recent one, see {@link ServerClock}), how far the server's true time may be past
 * that ({@code 0} for a read's own {@code TIME}), and the size of a value that was over {@code remote.max-value-size}
 * and deleted instead of read ({@code 0} otherwise, R14a).
 */
public record RemoteRead(byte[] envelope, long watermark, long serverNowMillis, long clockSlackMillis,
        long oversizeDeleted) {
}
