package io.quarkiverse.gcache.deployment;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.jandex.ArrayType;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.Index;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.RecordComponentInfo;
import org.jboss.jandex.Type;

/**
 * The key form of a key argument's declared type (reference R30), in the notation the runtime's {@code KeyForms}
 * parses at startup: records, collections, arrays, maps and {@code Optional}s of them are written component by
 * component, each component by its own declared type, recursively; everything else R13 accepts is a scalar
 * ({@code S}, its plain string form). Decided here once, so that no call inspects types.
 */
final class ArgForms {

    /** The form of a scalar, which keeps the plain key string of R4/R5. */
    static final String SCALAR = "S";

    private ArgForms() {
    }

    /**
     * The form of {@code type} as a key argument, or {@code null} when some part of it has no stable form; then
     * {@code failure[0]} says which part, when it is not the type itself.
     */
    static String form(Type type, IndexView index, String[] failure) {
        return form(type, index, new ArrayDeque<>(), true, failure);
    }

    private static String form(Type type, IndexView index, Deque<String> records, boolean top, String[] failure) {
        switch (type.kind()) {
            case PRIMITIVE:
                return SCALAR;
            case ARRAY:
                ArrayType array = type.asArrayType();
                Type component = array.dimensions() > 1
                        ? ArrayType.create(array.constituent(), array.dimensions() - 1)
                        : array.constituent();
                String element = form(component, index, records, false, failure);
                return element == null ? fail(failure, "its elements of type " + component) : "A" + element;
            case CLASS:
            case PARAMETERIZED_TYPE:
                break;
            default:
                return fail(failure, "type " + type + " is not concrete");
        }
        String name = type.name().toString();
        List<Type> args = type.kind() == Type.Kind.PARAMETERIZED_TYPE ? type.asParameterizedType().arguments()
                : List.of();
        if (name.equals("java.util.Optional")) {
            if (args.size() != 1) {
                return top && KeyTypes.isStable(type, index) ? SCALAR : fail(failure, "a raw Optional");
            }
            String content = form(args.get(0), index, records, false, failure);
            if (content == null) {
                return null;
            }
            // Optional[x] of a scalar is injective as it stands: the plain form of earlier versions is kept
            return top && content.equals(SCALAR) ? SCALAR : "O" + content;
        }
        Class<?> loaded = index.getClassByName(type.name()) == null ? load(name) : null;
        if (loaded != null && Map.class.isAssignableFrom(loaded)) {
            if (args.size() != 2) {
                return fail(failure, "a raw " + name);
            }
            String keys = form(args.get(0), index, records, false, failure);
            String values = keys == null ? null : form(args.get(1), index, records, false, failure);
            return values == null ? null : "M" + keys + values;
        }
        if (loaded != null && Collection.class.isAssignableFrom(loaded)) {
            if (args.size() != 1) {
                return fail(failure, "a raw " + name);
            }
            String element = form(args.get(0), index, records, false, failure);
            if (element == null) {
                return null;
            }
            // R30: a set's order is not part of its value, so its elements are sorted; a list's order is kept
            // (a Collection or Queue may be either: its value decides)
            char kind = Set.class.isAssignableFrom(loaded) ? 'T' : List.class.isAssignableFrom(loaded) ? 'L' : 'C';
            return kind + element;
        }
        ClassInfo info = index.getClassByName(type.name());
        if (info == null && loaded != null && loaded.isRecord()) {
            info = indexOf(loaded);
        }
        if (info != null && info.isRecord()) {
            if (records.contains(name)) {
                return "@" + name + ";";
            }
            records.push(name);
            StringBuilder sb = new StringBuilder("R").append(name).append('(');
            // sorted by name (the index's order), as key arguments are: reordering components keeps the keys
            List<RecordComponentInfo> components = new java.util.ArrayList<>(info.recordComponents());
            components.sort(java.util.Comparator.comparing(RecordComponentInfo::name));
            for (int i = 0; i < components.size(); i++) {
                RecordComponentInfo c = components.get(i);
                String f = form(c.type(), index, records, false, failure);
                if (f == null) {
                    records.pop();
                    return fail(failure, "record component " + info.simpleName() + "." + c.name() + " of type "
                            + c.type());
                }
                sb.append(i == 0 ? "" : ",").append(c.name()).append(':').append(f);
            }
            records.pop();
            return sb.append(')').toString();
        }
        return KeyTypes.isStable(type, index) ? SCALAR : fail(failure, null);
    }

    /** {@code null}, noting the innermost part that has no stable form. */
    private static String fail(String[] failure, String what) {
        if (failure[0] == null && what != null) {
            failure[0] = what;
        }
        return null;
    }

    /** A class the index does not hold (the JDK's, a library's without an index), not initialized; else null. */
    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** A record of a library without an index, indexed on its own to read its components. */
    private static ClassInfo indexOf(Class<?> record) {
        try {
            return Index.of(record).getClassByName(record.getName());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
