package io.quarkiverse.gcache.runtime.layers;

/**
 * What one REMOTE read returns, in one round trip (R6): the stored envelope ({@code null} when absent), the
 * entity's watermark ({@code -1} when none or untracked), the Redis server's clock at the read (R6a), and the size
 * of a value that was over {@code remote.max-value-size} and deleted instead of read ({@code 0} otherwise, R14a).
 */
public record RemoteRead(byte[] envelope, long watermark, long serverNowMillis, long oversizeDeleted) {
}
