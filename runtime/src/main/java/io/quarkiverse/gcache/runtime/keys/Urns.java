package io.quarkiverse.gcache.runtime.keys;

import java.nio.charset.StandardCharsets;

/**
 * Builds URNs (reference R4) and escapes their components (R5).
 * <p>
 * {@code %}, {@code :}, {@code ?}, {@code #}, {@code &}, {@code =}, {@code {}, {@code }} and ISO control characters
 * become {@code %XX} of their UTF-8 bytes (uppercase hex, RFC 3986); every other character is kept. A component
 * with nothing to escape is appended as is, without allocating.
 */
public final class Urns {

    public static final String DEFAULT_PREFIX = "urn";
    public static final String WATERMARK = "watermark";

    /**
     * The characters that structure a composite key argument (R30; {@link KeyForms}): escaped in its scalar
     * components, never in a plain argument (whose key strings stay those of gcache).
     */
    public static final String STRUCTURE = "()[],!~'";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Urns() {
    }

    /** {@code <prefix>:<keyType>:<id>}, wrapped in {@code {}} when tracked. */
    public static void appendEntity(StringBuilder sb, String prefix, String keyType, String id, boolean tracked) {
        if (tracked) {
            sb.append('{');
        }
        sb.append(prefix).append(':');
        appendEscaped(sb, keyType);
        sb.append(':');
        appendEscaped(sb, id);
        if (tracked) {
            sb.append('}');
        }
    }

    /**
     * {@code <name>=<value>}, both escaped; a {@code null} value is the name alone (R30: no string value can be
     * written that way, the string {@code "null"} included).
     */
    public static void appendArg(StringBuilder sb, String name, String value) {
        appendEscaped(sb, name);
        if (value != null) {
            sb.append('=');
            appendEscaped(sb, value);
        }
    }

    /** The watermark key of an entity: {@code {<prefix>:<keyType>:<id>}#watermark} (R6, R17). */
    public static String watermarkKey(String prefix, String keyType, String id) {
        StringBuilder sb = new StringBuilder(48);
        appendEntity(sb, prefix, keyType, id, true);
        return sb.append('#').append(WATERMARK).toString();
    }

    /** The entity part of a key in tracked form, {@code {urn:user_id:7}}, whether the key is tracked or not. */
    public static String entityOf(String key) {
        if (key.startsWith("{")) {
            return key.substring(0, key.indexOf('}') + 1);
        }
        // Key types and ids are escaped (R5), so the first raw '?' or '#' ends the entity; the use case name, which is
        // not escaped (gcache compatibility, R17), may contain either.
        int end = key.indexOf('#');
        int query = key.indexOf('?');
        if (query >= 0 && query < end) {
            end = query;
        }
        return "{" + key.substring(0, end) + "}";
    }

    /** Whether {@code key} (tracked or not) is a key of {@code entity} (tracked form), without allocating. */
    public static boolean isKeyOf(String key, String entity) {
        int end;
        if (key.startsWith("{")) {
            if (!key.startsWith(entity)) {
                return false;
            }
            end = entity.length();
        } else {
            int inner = entity.length() - 2;
            if (!key.regionMatches(0, entity, 1, inner)) {
                return false;
            }
            end = inner;
        }
        return key.length() > end && (key.charAt(end) == '?' || key.charAt(end) == '#');
    }

    /** {@code {<prefix>:<keyType>:<id>}}. */
    public static String entity(String prefix, String keyType, String id) {
        StringBuilder sb = new StringBuilder(32);
        appendEntity(sb, prefix, keyType, id, true);
        return sb.toString();
    }

    /** {@code s} escaped per R5; {@code s} itself when nothing needs escaping (no allocation). */
    public static String escape(String s) {
        if (firstToEscape(s) < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        appendEscaped(sb, s);
        return sb.toString();
    }

    public static void appendEscaped(StringBuilder sb, String s) {
        appendEscaped(sb, s, false);
    }

    /**
     * {@code s} escaped as a scalar inside a composite key argument (R30): R5's characters and those that structure
     * composites ({@link #STRUCTURE}), so that a component can never be read as a boundary between components.
     */
    public static void appendEscapedComponent(StringBuilder sb, String s) {
        appendEscaped(sb, s, true);
    }

    private static void appendEscaped(StringBuilder sb, String s, boolean component) {
        int first = firstToEscape(s, component);
        if (first < 0) {
            sb.append(s);
            return;
        }
        sb.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needsEscape(c, component)) {
                sb.append(c);
            } else if (c < 0x80) {
                appendByte(sb, c);
            } else {
                // C1 control characters: their UTF-8 form, as RFC 3986 percent-encoding prescribes
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    appendByte(sb, b & 0xFF);
                }
            }
        }
    }

    private static int firstToEscape(String s) {
        return firstToEscape(s, false);
    }

    private static int firstToEscape(String s, boolean component) {
        for (int i = 0; i < s.length(); i++) {
            if (needsEscape(s.charAt(i), component)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean needsEscape(char c, boolean component) {
        switch (c) {
            case '%', ':', '?', '#', '&', '=', '{', '}':
                return true;
            case '(', ')', '[', ']', ',', '!', '~', '\'':
                return component;
            default:
                return Character.isISOControl(c);
        }
    }

    private static void appendByte(StringBuilder sb, int b) {
        sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }
}
