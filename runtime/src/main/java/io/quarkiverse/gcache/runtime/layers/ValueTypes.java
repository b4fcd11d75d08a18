package io.quarkiverse.gcache.runtime.layers;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns the value type the build recorded ({@code java.util.Map<java.lang.String,com.acme.User>}) into a
 * {@link Type}, loading each class once at startup. A real {@link ParameterizedType} (rather than Jackson's
 * canonical parser) lets Jackson apply its type modifiers at every level, so {@code Optional} nested anywhere is
 * handled.
 */
public final class ValueTypes {

    private ValueTypes() {
    }

    public static Type parse(String canonical, ClassLoader loader) {
        int[] pos = { 0 };
        Type t = parse(canonical, pos, loader);
        if (pos[0] != canonical.length()) {
            throw new IllegalArgumentException("Unexpected '" + canonical.substring(pos[0]) + "' in " + canonical);
        }
        return t;
    }

    private static Type parse(String s, int[] pos, ClassLoader loader) {
        int start = pos[0];
        while (pos[0] < s.length() && "<>,".indexOf(s.charAt(pos[0])) < 0) {
            pos[0]++;
        }
        Class<?> raw = load(s.substring(start, pos[0]).trim(), loader);
        if (pos[0] >= s.length() || s.charAt(pos[0]) != '<') {
            return raw;
        }
        List<Type> args = new ArrayList<>();
        do {
            pos[0]++; // '<' or ','
            args.add(parse(s, pos, loader));
        } while (s.charAt(pos[0]) == ',');
        pos[0]++; // '>'
        return new Parameterized(raw, args.toArray(Type[]::new));
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("GCache value type " + name + " is not on the class path", e);
        }
    }

    private record Parameterized(Class<?> raw, Type[] args) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return args.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return raw.getDeclaringClass();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType p && raw.equals(p.getRawType())
                    && Arrays.equals(args, p.getActualTypeArguments()) && Objects.equals(getOwnerType(), p.getOwnerType());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(args) ^ raw.hashCode() ^ Objects.hashCode(getOwnerType());
        }

        @Override
        public String toString() {
            return raw.getName() + Arrays.toString(args).replace('[', '<').replace(']', '>');
        }
    }
}
