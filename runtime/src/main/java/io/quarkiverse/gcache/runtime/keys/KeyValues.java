package io.quarkiverse.gcache.runtime.keys;

import java.math.BigDecimal;

/**
 * The stable string form of an id or argument value (reference R13 lists the accepted types; the build rejects others).
 * {@code null} is the string {@code null}; enums use {@link Enum#name()} so that a {@code toString} override cannot
 * change keys; {@link BigDecimal} uses its plain form so that {@code 1E+3} and {@code 1000} do not differ by
 * notation. Everything else uses {@code toString()}.
 */
public final class KeyValues {

    private KeyValues() {
    }

    public static String toKeyString(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }
}
