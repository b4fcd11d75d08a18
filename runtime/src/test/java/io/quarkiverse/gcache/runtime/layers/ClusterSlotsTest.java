package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Hash slots as Redis Cluster computes them (R19); the values are those of {@code CLUSTER KEYSLOT}. */
class ClusterSlotsTest {

    @Test
    void crc16IsXmodem() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(ClusterSlots.crc16(check, 0, check.length)).isEqualTo(0x31C3); // the cluster spec's test vector
    }

    @Test
    void slotsMatchClusterKeyslot() {
        assertThat(ClusterSlots.slot("somekey")).isEqualTo(11058);
        assertThat(ClusterSlots.slot("foo{hash_tag}")).isEqualTo(2515);
        assertThat(ClusterSlots.slot("bar{hash_tag}")).isEqualTo(2515);
        // a hash tag: only the tag counts, so a value and its watermark share a slot
        assertThat(ClusterSlots.slot("{user1000}.following")).isEqualTo(ClusterSlots.slot("user1000"));
        assertThat(ClusterSlots.slot("{urn:user_id:1}#Profile")).isEqualTo(ClusterSlots.slot("{urn:user_id:1}#watermark"));
        // an empty tag does not count: the whole key is hashed
        assertThat(ClusterSlots.slot("foo{}{bar}")).isEqualTo(ClusterSlots.slot("foo{}{bar}".getBytes(StandardCharsets.UTF_8)));
        assertThat(ClusterSlots.slot("{}x")).isNotEqualTo(ClusterSlots.slot("x"));
    }

    @Test
    void aRoutingKeyHashesToItsSlot() {
        for (int slot : new int[] { 0, 1, 5460, 5461, 10922, 10923, 16383 }) {
            assertThat(ClusterSlots.slot(ClusterSlots.routingKey(slot))).isEqualTo(slot);
        }
    }
}
