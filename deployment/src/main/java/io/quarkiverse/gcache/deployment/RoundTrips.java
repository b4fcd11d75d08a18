package io.quarkiverse.gcache.deployment;

import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.Type;

/**
 * Whether a declared value type comes back from REMOTE as what was stored (reference R31). REMOTE values are JSON
 * read back with the declared type (R14), never with type information found in the bytes, so Jackson must be able
 * to tell from the declared type alone which class to build:
 * <ul>
 * <li>{@code Object} (or an unbounded wildcard) comes back as a {@code LinkedHashMap}, {@code List}, {@code String}
 * or number, whatever the method returned;</li>
 * <li>an interface or abstract class cannot be built at all, unless Jackson has type information for it
 * ({@code @JsonTypeInfo}, or {@code @JsonDeserialize(as/using)}, on it or a supertype);</li>
 * <li>a class with subclasses (in the index) the method may return is written with the subclass's properties but
 * read back as the declared class, while LOCAL hands back the subclass: what the caller gets depends on the
 * layer.</li>
 * </ul>
 * Type arguments ({@code List<T>}, {@code Map<K, V>}, {@code Optional<T>}, a generic class's) and array elements are
 * checked the same way. JDK collection and map interfaces are fine (Jackson builds {@code ArrayList},
 * {@code LinkedHashMap}, ..., equal to what was stored) and so is every concrete JDK class; other abstract JDK types
 * ({@code Number}, {@code CharSequence}, {@code Temporal}) are not. Fields of the value type are not followed.
 */
final class RoundTrips {

    private static final DotName OBJECT = DotName.createSimple(Object.class);
    private static final DotName JSON_TYPE_INFO = DotName.createSimple("com.fasterxml.jackson.annotation.JsonTypeInfo");
    private static final DotName JSON_DESERIALIZE = DotName
            .createSimple("com.fasterxml.jackson.databind.annotation.JsonDeserialize");

    /** The problem found: the offending part of the type and why. */
    record Problem(String type, String reason, boolean typeInfoHelps) {
    }

    private RoundTrips() {
    }

    /** The first part of {@code type} that cannot round-trip, or {@code null} when all can. */
    static Problem problem(Type type, IndexView index) {
        switch (type.kind()) {
            case PRIMITIVE:
            case VOID:
                return null;
            case ARRAY:
                return problem(type.asArrayType().constituent(), index);
            case WILDCARD_TYPE:
                Type bound = type.asWildcardType().extendsBound();
                return bound == null || bound.name().equals(OBJECT) ? objectProblem(type.toString())
                        : problem(bound, index);
            case CLASS:
            case PARAMETERIZED_TYPE:
                break;
            default:
                return null; // type variables: rejected as such (not concrete) elsewhere
        }
        if (type.name().equals(OBJECT)) {
            return objectProblem("java.lang.Object");
        }
        if (type.kind() == Type.Kind.PARAMETERIZED_TYPE) {
            for (Type argument : type.asParameterizedType().arguments()) {
                Problem p = problem(argument, index);
                if (p != null) {
                    return p;
                }
            }
        }
        String name = type.name().toString();
        ClassInfo info = index.getClassByName(type.name());
        if (info == null) {
            return loadedProblem(name);
        }
        if (info.isEnum() || info.isRecord() || hasTypeInfo(info, index)) {
            return null;
        }
        if (info.isInterface() || Modifier.isAbstract(info.flags())) {
            return new Problem(name, name + " is " + (info.isInterface() ? "an interface" : "an abstract class")
                    + " without Jackson type information, so REMOTE cannot tell which class to read back", true);
        }
        Collection<ClassInfo> subclasses = index.getAllKnownSubclasses(type.name());
        if (!subclasses.isEmpty()) {
            String names = subclasses.stream().map(c -> c.name().toString()).sorted().limit(3)
                    .collect(Collectors.joining(", ")) + (subclasses.size() > 3 ? ", ..." : "");
            return new Problem(name, name + " has subclasses the method may return (" + names + "); REMOTE would "
                    + "read back a " + info.simpleName() + " with its properties only, where LOCAL hands back the "
                    + "subclass", true);
        }
        return null;
    }

    private static Problem objectProblem(String what) {
        return new Problem("java.lang.Object", what + " comes back from REMOTE as a LinkedHashMap, List, String or "
                + "number, not as what the method returned", false);
    }

    /** JDK interfaces Jackson reads into a fixed class equal to what was stored. */
    private static final Set<Class<?>> CONTAINERS = Set.of(Collection.class, List.class, Set.class,
            java.util.SortedSet.class, java.util.NavigableSet.class, java.util.Queue.class, java.util.Deque.class,
            Map.class, java.util.SortedMap.class, java.util.NavigableMap.class, Optional.class);

    /** A class the index does not hold: a JDK class or one of a library without an index. */
    private static Problem loadedProblem(String name) {
        Class<?> c;
        try {
            c = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // not checkable; Jackson will say at run time (counted, fail-open)
        }
        if (c.isPrimitive() || c.isArray() || c.isEnum() || c.isRecord() || CONTAINERS.contains(c)) {
            return null;
        }
        if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
            return null;
        }
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (hasTypeInfo(k)) {
                return null;
            }
        }
        return new Problem(name, name + " is " + (c.isInterface() ? "an interface" : "an abstract class")
                + " without Jackson type information, so REMOTE cannot tell which class to read back",
                !name.startsWith("java."));
    }

    private static boolean hasTypeInfo(Class<?> c) {
        for (Annotation a : c.getDeclaredAnnotations()) {
            String n = a.annotationType().getName();
            if (n.equals(JSON_TYPE_INFO.toString()) || n.equals(JSON_DESERIALIZE.toString())) {
                return true;
            }
        }
        for (Class<?> i : c.getInterfaces()) {
            if (hasTypeInfo(i)) {
                return true;
            }
        }
        return false;
    }

    /** {@code @JsonTypeInfo} or {@code @JsonDeserialize(as/using)} on the class or a supertype (Jackson inherits them). */
    private static boolean hasTypeInfo(ClassInfo info, IndexView index) {
        if (info == null || info.name().equals(OBJECT)) {
            return false;
        }
        if (info.declaredAnnotation(JSON_TYPE_INFO) != null) {
            return true;
        }
        AnnotationInstance deserialize = info.declaredAnnotation(JSON_DESERIALIZE);
        if (deserialize != null && (deserialize.value("as") != null || deserialize.value("using") != null)) {
            return true;
        }
        if (info.superName() != null && hasTypeInfo(info.superName(), index)) {
            return true;
        }
        for (DotName i : info.interfaceNames()) {
            if (hasTypeInfo(i, index)) {
                return true;
            }
        }
        return false;
    }

    /** The same for a supertype, which may be a library's outside the index. */
    private static boolean hasTypeInfo(DotName name, IndexView index) {
        ClassInfo info = index.getClassByName(name);
        if (info != null) {
            return hasTypeInfo(info, index);
        }
        if (name.equals(OBJECT) || name.toString().startsWith("java.")) {
            return false;
        }
        try {
            for (Class<?> k = Class.forName(name.toString(), false,
                    Thread.currentThread().getContextClassLoader()); k != null; k = k
                            .getSuperclass()) {
                if (hasTypeInfo(k)) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not loadable: no type information we can see
        }
        return false;
    }
}
