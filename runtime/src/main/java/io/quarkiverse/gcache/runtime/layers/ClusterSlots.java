package io.quarkiverse.gcache.runtime.layers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redis Cluster hash slots (reference rule R19): {@code CRC16(key) mod 16384}, where a key with a non-empty hash tag
 * ({@code {...}}) is hashed by the tag alone. Used to group deletions by slot and to route a command to the master
 * that serves a slot.
 */
public final class ClusterSlots {

    public static final int SLOTS = 16384;

    private static final int[] TABLE = new int[256];
    private static final ConcurrentHashMap<Integer, String> ROUTING_KEYS = new ConcurrentHashMap<>();

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private ClusterSlots() {
    }

    /** CRC16/XMODEM, the checksum Redis Cluster uses. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The slot of {@code key}, honouring hash tags as Redis does. */
    public static int slot(byte[] key) {
        int open = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int i = open + 1; i < key.length; i++) {
                if (key[i] == '}') {
                    if (i > open + 1) {
                        return crc16(key, open + 1, i) % SLOTS;
                    }
                    break; // "{}": the whole key is hashed
                }
            }
        }
        return crc16(key, 0, key.length) % SLOTS;
    }

    public static int slot(String key) {
        return slot(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A key (never written) that hashes to {@code slot}: a command that names it is routed by the cluster client to
     * the master serving that slot. Found by search once per slot (about 16,000 checksums) and kept.
     */
    public static String routingKey(int slot) {
        return ROUTING_KEYS.computeIfAbsent(slot, s -> {
            for (int n = 0;; n++) {
                String candidate = "gcache:route:" + n;
                if (slot(candidate) == s) {
                    return candidate;
                }
            }
        });
    }
}
