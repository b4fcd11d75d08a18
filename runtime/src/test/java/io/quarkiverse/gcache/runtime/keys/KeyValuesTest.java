package io.quarkiverse.gcache.runtime.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The stable string forms of ids and argument values (reference R4 implementation note, R13): they are part of every
 * key, so a change here silently orphans every value already cached, and breaks keys shared with Python gcache.
 */
class KeyValuesTest {

    enum Status {
        ACTIVE,
        SUSPENDED {
            @Override
            public String toString() {
                return "suspended!";
            }
        };

        @Override
        public String toString() {
            return "status:" + name().toLowerCase();
        }
    }

    record Point(int x, int y) {
    }

    @Test
    void nullIsTheStringNull() {
        assertThat(KeyValues.toKeyString(null)).isEqualTo("null");
    }

    @Test
    void stringsAreThemselves() {
        String s = "a:b?c";
        assertThat(KeyValues.toKeyString(s)).isSameAs(s); // escaping is Urns' job, not this one's
    }

    /** A toString override, on the enum or on one constant's body, must not change keys. */
    @Test
    void enumsUseTheirName() {
        assertThat(KeyValues.toKeyString(Status.ACTIVE)).isEqualTo("ACTIVE");
        assertThat(KeyValues.toKeyString(Status.SUSPENDED)).isEqualTo("SUSPENDED");
    }

    @Test
    void bigDecimalsUsePlainNotation() {
        assertThat(KeyValues.toKeyString(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(KeyValues.toKeyString(new BigDecimal("1000"))).isEqualTo("1000");
        assertThat(KeyValues.toKeyString(new BigDecimal("1E-7"))).isEqualTo("0.0000001");
        assertThat(KeyValues.toKeyString(new BigDecimal("-2.50E+2"))).isEqualTo("-250");
        // only the notation is normalised: the scale stays, so 1000.0 and 1000 are different keys
        assertThat(KeyValues.toKeyString(new BigDecimal("1000.0"))).isEqualTo("1000.0");
    }

    @Test
    void everythingElseUsesToString() {
        assertThat(KeyValues.toKeyString(42)).isEqualTo("42");
        assertThat(KeyValues.toKeyString(-7L)).isEqualTo("-7");
        assertThat(KeyValues.toKeyString(1.5d)).isEqualTo("1.5");
        assertThat(KeyValues.toKeyString('c')).isEqualTo("c");
        // Java's booleans, not Python's True/False (reference R4: give shared boolean arguments an adapter)
        assertThat(KeyValues.toKeyString(true)).isEqualTo("true");
        assertThat(KeyValues.toKeyString(new BigInteger("123456789012345678901234567890")))
                .isEqualTo("123456789012345678901234567890");
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(KeyValues.toKeyString(uuid)).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        assertThat(KeyValues.toKeyString(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(KeyValues.toKeyString(Duration.ofSeconds(90))).isEqualTo("PT1M30S");
        assertThat(KeyValues.toKeyString(new Point(1, 2))).isEqualTo("Point[x=1, y=2]");
    }
}
