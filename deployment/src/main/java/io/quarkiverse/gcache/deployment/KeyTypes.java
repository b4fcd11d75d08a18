package io.quarkiverse.gcache.deployment;

import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

/** Build-time knowledge about types: which have a stable key string (R13), and how Jackson names them (R14). */
final class KeyTypes {

    private static final Set<String> STABLE_JDK = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.util.UUID",
            "java.math.BigDecimal", "java.math.BigInteger", "java.lang.CharSequence");
    /** JDK classes (not enums or records) whose {@code toString} is a faithful, stable form of the value. */
    private static final Set<String> STABLE_JDK_TO_STRING = Set.of("java.util.Locale", "java.util.Currency",
            "java.net.URI", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong",
            "java.util.OptionalDouble");
    private static final DotName OBJECT = DotName.createSimple(Object.class);

    private KeyTypes() {
    }

    /**
     * Whether values of {@code type} have a stable string form without an adapter (R13). A parameterized type is
     * stable when its class is and every type argument is ({@code Optional<String>}, not {@code Optional<Object>}).
     */
    static boolean isStable(Type type, IndexView index) {
        switch (type.kind()) {
            case PRIMITIVE:
                return true;
            case CLASS:
                break;
            case PARAMETERIZED_TYPE:
                return isStable(Type.create(type.name(), Type.Kind.CLASS), index)
                        && type.asParameterizedType().arguments().stream().allMatch(a -> isStable(a, index));
            default:
                return false;
        }
        String name = type.name().toString();
        if (STABLE_JDK.contains(name) || (name.startsWith("java.time.") && !name.equals("java.time.Clock"))) {
            return true;
        }
        ClassInfo info = index.getClassByName(type.name());
        if (info == null) {
            // not indexed: a JDK class (TimeUnit, Locale, URI) or one of a library without an index
            return isStableLoaded(name);
        }
        if (info.isEnum() || info.isRecord()) {
            return true;
        }
        if (info.isInterface()) {
            return false;
        }
        return declaresToString(info, index);
    }

    /** {@link #isStable} by reflection, for a class the index does not hold; not initialized. */
    private static boolean isStableLoaded(String name) {
        Class<?> c;
        try {
            c = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        if (c.isEnum() || c.isRecord()) {
            return true;
        }
        if (c.isInterface()) {
            return false;
        }
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            // many JDK toStrings are not a key: identity-based (CompletableFuture), lossy (Date: seconds, the time
            // zone), state rather than content (ByteBuffer), order-dependent (HashMap); only these are
            return STABLE_JDK_TO_STRING.contains(name);
        }
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            try {
                return !java.lang.reflect.Modifier.isAbstract(k.getDeclaredMethod("toString").getModifiers());
            } catch (NoSuchMethodException e) {
                // not declared here: look in the superclass
            }
        }
        return false;
    }

    private static boolean declaresToString(ClassInfo info, IndexView index) {
        ClassInfo current = info;
        while (current != null && !current.name().equals(OBJECT)) {
            MethodInfo m = current.method("toString");
            if (m != null && !java.lang.reflect.Modifier.isAbstract(m.flags())) {
                return true;
            }
            current = current.superName() == null ? null : index.getClassByName(current.superName());
        }
        return false;
    }

    /**
     * Jackson's canonical form of a value type ({@code java.util.List<com.acme.User>}), or {@code null} when it
     * contains a type variable or a generic array and so has no type the build can name.
     */
    static String canonical(Type type) {
        switch (type.kind()) {
            case PRIMITIVE:
                return boxed(type.asPrimitiveType().primitive());
            case CLASS:
                return type.name().toString();
            case PARAMETERIZED_TYPE:
                String args = type.asParameterizedType().arguments().stream().map(KeyTypes::canonical)
                        .collect(Collectors.joining(","));
                return args.contains("null") ? null : type.name().toString() + "<" + args + ">";
            case WILDCARD_TYPE:
                return canonical(type.asWildcardType().extendsBound());
            case ARRAY:
                Type component = type.asArrayType().constituent();
                String dims = "[".repeat(type.asArrayType().dimensions());
                if (component.kind() == Type.Kind.PRIMITIVE) {
                    return dims + descriptor(component.asPrimitiveType().primitive());
                }
                return component.kind() == Type.Kind.CLASS ? dims + "L" + component.name() + ";" : null;
            default:
                return null;
        }
    }

    private static String boxed(org.jboss.jandex.PrimitiveType.Primitive p) {
        return switch (p) {
            case BOOLEAN -> "java.lang.Boolean";
            case BYTE -> "java.lang.Byte";
            case CHAR -> "java.lang.Character";
            case SHORT -> "java.lang.Short";
            case INT -> "java.lang.Integer";
            case LONG -> "java.lang.Long";
            case FLOAT -> "java.lang.Float";
            case DOUBLE -> "java.lang.Double";
        };
    }

    private static String descriptor(org.jboss.jandex.PrimitiveType.Primitive p) {
        return switch (p) {
            case BOOLEAN -> "Z";
            case BYTE -> "B";
            case CHAR -> "C";
            case SHORT -> "S";
            case INT -> "I";
            case LONG -> "J";
            case FLOAT -> "F";
            case DOUBLE -> "D";
        };
    }
}
