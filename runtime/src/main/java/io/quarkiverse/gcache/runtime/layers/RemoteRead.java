package io.quarkiverse.gcache.runtime.layers;

/**
 * What one REMOTE read returns, in one round trip (R6): the stored envelope ({@code null} when absent), the
 * entity's watermark ({@code -1} when none or untracked), and the Redis server's clock at the read (R6a).
 */
public record RemoteRead(byte[] envelope, long watermark, long serverNowMillis) {
}
