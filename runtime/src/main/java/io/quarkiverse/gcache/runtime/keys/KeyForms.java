package io.quarkiverse.gcache.runtime.keys;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Composite key arguments, encoded component by component (reference R30): records, collections, arrays, maps and
 * {@code Optional}s of them, never through a composite's {@code toString()}, which is not injective
 * ({@code Filters("a, city=b", "c")} and {@code Filters("a", "b, city=c")} print alike).
 * <p>
 * The build decides each argument's <em>form</em> from its declared type and records it as a string; this class turns
 * that string into an {@link Encoder} once at startup, so that a call neither inspects types nor looks anything up.
 * Forms:
 * <ul>
 * <li>{@code S}: a scalar, its {@link KeyValues#toKeyString} form;</li>
 * <li>{@code O<form>}: {@code java.util.Optional};</li>
 * <li>{@code L<form>}: a list or other ordered collection; {@code A<form>}: an array;</li>
 * <li>{@code T<form>}: a set; {@code C<form>}: a collection that is a set or not, as the value says;</li>
 * <li>{@code M<form><form>}: a map, keys then values;</li>
 * <li>{@code R<class>(<component>:<form>,...)}: a record, its components sorted by name (as key arguments are, R4;
 * reordering a record's components keeps its keys);</li>
 * <li>{@code @<class>;}: the enclosing record of that class again (a recursive record type).</li>
 * </ul>
 * What an argument's key string looks like (the argument's value in {@code ?name=value}):
 * <ul>
 * <li>a scalar: its string, escaped as R5 says plus the structure characters {@code ()[],!~'}
 * ({@link Urns#appendEscapedComponent}); the empty string is {@code ''} and {@code null} is {@code ~};</li>
 * <li>a record: {@code (city!value,name!value)};</li>
 * <li>a list or array: {@code [a,b]}; a set: the same with its elements sorted by their key strings, so equal sets
 * give one key whatever their iteration order;</li>
 * <li>a map: {@code [key!value,...]}, entries sorted by their keys' key strings;</li>
 * <li>an {@code Optional}: {@code Optional[value]} or {@code Optional.empty}.</li>
 * </ul>
 * Every scalar is escaped so that it contains none of the structure characters, and every composite is delimited, so
 * that a key string is read back one way only: two different values of one declared type never share it. A
 * {@code null} argument itself is written by {@link KeyBuilder} (the argument's name alone), and an argument of a
 * scalar type keeps the plain form of R4/R5 (unchanged, gcache's).
 */
public final class KeyForms {

    /** Turns values of one declared type into their key string (R30). Immutable and thread-safe. */
    public abstract static class Encoder {

        /**
         * Appends {@code value}'s key string to {@code sb}.
         *
         * @param limit the length {@code sb} must not exceed ({@code key.max-arg-length}), checked as the value is
         *        written so that a huge value is abandoned early
         * @throws KeyTooLongException when it would
         */
        public abstract void append(StringBuilder sb, Object value, int limit);

        static void check(StringBuilder sb, int limit) {
            if (sb.length() > limit) {
                throw KeyTooLongException.INSTANCE;
            }
        }
    }

    private KeyForms() {
    }

    /** The encoder of a form the build recorded; {@code loader} loads the record classes it names. */
    public static Encoder parse(String form, ClassLoader loader) {
        int[] pos = { 0 };
        Encoder e = parse(form, pos, new HashMap<>(), loader);
        if (pos[0] != form.length()) {
            throw new IllegalArgumentException("Unexpected '" + form.substring(pos[0]) + "' in key form " + form);
        }
        return e;
    }

    private static Encoder parse(String s, int[] pos, Map<String, RecordEncoder> enclosing, ClassLoader loader) {
        char kind = s.charAt(pos[0]++);
        switch (kind) {
            case 'S':
                return SCALAR;
            case 'O':
                return new OptionalEncoder(parse(s, pos, enclosing, loader));
            case 'L':
            case 'T':
            case 'C':
            case 'A':
                return new SequenceEncoder(kind, parse(s, pos, enclosing, loader));
            case 'M':
                Encoder keys = parse(s, pos, enclosing, loader);
                return new MapEncoder(keys, parse(s, pos, enclosing, loader));
            case '@':
                String ref = until(s, pos, ';');
                RecordEncoder r = enclosing.get(ref);
                if (r == null) {
                    throw new IllegalArgumentException("Key form " + s + " refers to " + ref + " outside it");
                }
                return r;
            case 'R':
                String className = until(s, pos, '(');
                RecordEncoder record = new RecordEncoder();
                enclosing.put(className, record);
                List<String> names = new ArrayList<>();
                List<Encoder> encoders = new ArrayList<>();
                while (s.charAt(pos[0]) != ')') {
                    names.add(until(s, pos, ':'));
                    encoders.add(parse(s, pos, enclosing, loader));
                    if (s.charAt(pos[0]) == ',') {
                        pos[0]++;
                    }
                }
                pos[0]++; // ')'
                enclosing.remove(className);
                record.init(load(className, loader), names, encoders);
                return record;
            default:
                throw new IllegalArgumentException("Unknown key form '" + kind + "' in " + s);
        }
    }

    /** The text up to {@code end}, which is consumed. */
    private static String until(String s, int[] pos, char end) {
        int i = s.indexOf(end, pos[0]);
        String text = s.substring(pos[0], i);
        pos[0] = i + 1;
        return text;
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("GCache key argument type " + name + " is not on the class path", e);
        }
    }

    private static final Encoder SCALAR = new Encoder() {
        @Override
        public void append(StringBuilder sb, Object value, int limit) {
            if (value == null) {
                sb.append('~');
                return;
            }
            String s = KeyValues.toKeyString(value);
            if (s.isEmpty()) {
                sb.append("''");
                return;
            }
            if (sb.length() + s.length() > limit) { // escaping only lengthens it: no need to escape a huge string
                throw KeyTooLongException.INSTANCE;
            }
            Urns.appendEscapedComponent(sb, s);
            check(sb, limit);
        }
    };

    private static final class OptionalEncoder extends Encoder {
        private final Encoder content;

        OptionalEncoder(Encoder content) {
            this.content = content;
        }

        @Override
        public void append(StringBuilder sb, Object value, int limit) {
            if (value == null) {
                sb.append('~');
            } else if (((Optional<?>) value).isEmpty()) {
                sb.append("Optional.empty");
            } else {
                sb.append("Optional[");
                content.append(sb, ((Optional<?>) value).get(), limit);
                sb.append(']');
            }
            check(sb, limit);
        }
    }

    /** Lists, arrays, sets (sorted) and collections (sorted when the value is a set). */
    private static final class SequenceEncoder extends Encoder {
        private final char kind;
        private final Encoder element;

        SequenceEncoder(char kind, Encoder element) {
            this.kind = kind;
            this.element = element;
        }

        @Override
        public void append(StringBuilder sb, Object value, int limit) {
            if (value == null) {
                sb.append('~');
                return;
            }
            if (kind == 'T' || (kind == 'C' && value instanceof Set)) {
                List<String> sorted = new ArrayList<>();
                int budget = limit - sb.length();
                int used = 1; // "[" and "]", less the comma the first element does not have
                for (Object e : (Iterable<?>) value) {
                    StringBuilder one = new StringBuilder();
                    element.append(one, e, budget);
                    used += one.length() + 1;
                    if (used > budget) {
                        throw KeyTooLongException.INSTANCE;
                    }
                    sorted.add(one.toString());
                }
                Collections.sort(sorted);
                sb.append('[');
                for (int i = 0; i < sorted.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(sorted.get(i));
                }
                sb.append(']');
            } else if (kind == 'A') {
                sb.append('[');
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    element.append(sb, Array.get(value, i), limit);
                }
                sb.append(']');
            } else {
                sb.append('[');
                boolean first = true;
                for (Object e : (Iterable<?>) value) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    element.append(sb, e, limit);
                }
                sb.append(']');
            }
            check(sb, limit);
        }
    }

    /** Entries sorted by their keys' key strings: a map's order is not part of its value. */
    private static final class MapEncoder extends Encoder {
        private final Encoder keys;
        private final Encoder values;

        MapEncoder(Encoder keys, Encoder values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public void append(StringBuilder sb, Object value, int limit) {
            if (value == null) {
                sb.append('~');
                return;
            }
            int budget = limit - sb.length();
            int used = 1; // "[" and "]", less the comma the first entry does not have
            List<String[]> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                StringBuilder k = new StringBuilder();
                keys.append(k, e.getKey(), budget);
                StringBuilder v = new StringBuilder();
                values.append(v, e.getValue(), budget);
                used += k.length() + v.length() + 2;
                if (used > budget) {
                    throw KeyTooLongException.INSTANCE;
                }
                entries.add(new String[] { k.toString(), v.toString() });
            }
            entries.sort((a, b) -> a[0].compareTo(b[0]));
            sb.append('[');
            for (int i = 0; i < entries.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(entries.get(i)[0]).append('!').append(entries.get(i)[1]);
            }
            sb.append(']');
            check(sb, limit);
        }
    }

    /** Components by their accessors, in the form's order (by name), each with its name. */
    private static final class RecordEncoder extends Encoder {
        private String[] names;
        private Method[] accessors;
        private Encoder[] components;

        /** After parsing the components: a recursive form refers to this encoder before it is complete. */
        void init(Class<?> type, List<String> names, List<Encoder> components) {
            this.names = names.toArray(String[]::new);
            this.components = components.toArray(Encoder[]::new);
            this.accessors = new Method[this.names.length];
            for (int i = 0; i < accessors.length; i++) {
                try {
                    accessors[i] = type.getDeclaredMethod(this.names[i]);
                    accessors[i].setAccessible(true); // the record may be package-private
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("GCache key argument type " + type.getName()
                            + " has no record component " + this.names[i] + " (built against another version?)", e);
                }
            }
        }

        @Override
        public void append(StringBuilder sb, Object value, int limit) {
            if (value == null) {
                sb.append('~');
                return;
            }
            sb.append('(');
            for (int i = 0; i < accessors.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(names[i]).append('!');
                Object component;
                try {
                    component = accessors[i].invoke(value);
                } catch (InvocationTargetException e) {
                    throw new IllegalStateException("record accessor " + names[i] + " failed", e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                components[i].append(sb, component, limit);
            }
            sb.append(')');
            check(sb, limit);
        }
    }
}
