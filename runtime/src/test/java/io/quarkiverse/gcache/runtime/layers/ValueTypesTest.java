package io.quarkiverse.gcache.runtime.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;

/**
 * Parsing of the value types the build records (reference R14): the canonical strings of
 * {@code deployment.KeyTypes.canonical}, with primitives boxed, arrays as JVM descriptors, nested classes with
 * {@code $}. The oracle is the JDK's own reflection: the parsed type must equal the generic type of a field declared
 * with it, and Jackson must build from it the type its canonical parser builds.
 */
class ValueTypesTest {

    static final ClassLoader LOADER = ValueTypesTest.class.getClassLoader();

    record User(String name) {
    }

    static class Outer {
        static class Page<T> {
            public List<T> items;
        }
    }

    // fields whose generic types are the oracle
    Map<String, List<User>> nested;
    List<int[]> listOfArrays;
    Map<String, Optional<List<User>>> optionalInside;
    Outer.Page<User> nestedGeneric;
    Map.Entry<String, Integer> entry;

    static Type fieldType(String name) throws NoSuchFieldException {
        return ValueTypesTest.class.getDeclaredField(name).getGenericType();
    }

    @Test
    void plainClassesArrayDescriptorsAndBoxedPrimitives() {
        assertThat(ValueTypes.parse("java.lang.String", LOADER)).isEqualTo(String.class);
        // the build boxes primitive value types
        assertThat(ValueTypes.parse("java.lang.Integer", LOADER)).isEqualTo(Integer.class);
        assertThat(ValueTypes.parse("[I", LOADER)).isEqualTo(int[].class);
        assertThat(ValueTypes.parse("[[J", LOADER)).isEqualTo(long[][].class);
        assertThat(ValueTypes.parse("[Ljava.lang.String;", LOADER)).isEqualTo(String[].class);
        assertThat(ValueTypes.parse(User[].class.getName(), LOADER)).isEqualTo(User[].class);
        assertThat(ValueTypes.parse(User.class.getName(), LOADER)).isEqualTo(User.class); // '$' of a nested class
    }

    @Test
    void genericsEqualTheJdksReflectiveTypes() throws Exception {
        assertSameType("java.util.Map<java.lang.String,java.util.List<" + User.class.getName() + ">>", "nested");
        assertSameType("java.util.List<[I>", "listOfArrays");
        assertSameType("java.util.Map<java.lang.String,java.util.Optional<java.util.List<" + User.class.getName()
                + ">>>", "optionalInside");
        // a generic nested class and a generic member interface: the owner type is their declaring class
        assertSameType(Outer.Page.class.getName() + "<" + User.class.getName() + ">", "nestedGeneric");
        assertSameType("java.util.Map$Entry<java.lang.String,java.lang.Integer>", "entry");
    }

    /** Readers and writers are cached per type (JsonSerializer): parsed and reflective types must hash alike. */
    @Test
    void parsedTypesWorkAsMapKeysNextToReflectiveOnes() throws Exception {
        Map<Type, String> byType = new HashMap<>();
        byType.put(fieldType("nested"), "reflective");
        Type parsed = ValueTypes.parse("java.util.Map<java.lang.String,java.util.List<" + User.class.getName() + ">>",
                LOADER);
        assertThat(byType).containsEntry(parsed, "reflective");
        assertThat(ValueTypes.parse("java.util.List<java.lang.String>", LOADER))
                .isEqualTo(ValueTypes.parse("java.util.List<java.lang.String>", LOADER))
                .isNotEqualTo(ValueTypes.parse("java.util.List<java.lang.Integer>", LOADER))
                .isNotEqualTo(ValueTypes.parse("java.util.Set<java.lang.String>", LOADER));
    }

    @Test
    void jacksonSeesTheTypeItsCanonicalParserWouldBuild() {
        ObjectMapper mapper = new ObjectMapper();
        for (String canonical : List.of("java.util.Map<java.lang.String,java.util.List<java.lang.Long>>",
                "java.util.List<java.util.Map<java.lang.String,[Ljava.lang.String;>>", "[I",
                "java.util.Optional<java.lang.String>")) {
            JavaType expected = TypeFactory.defaultInstance().constructFromCanonical(canonical);
            assertThat(mapper.constructType(ValueTypes.parse(canonical, LOADER))).as(canonical).isEqualTo(expected);
        }
    }

    @Test
    void spacesAroundNamesAreIgnored() {
        Type t = ValueTypes.parse("java.util.Map< java.lang.String , java.lang.Integer >", LOADER);
        assertThat(t).isInstanceOf(ParameterizedType.class);
        assertThat(((ParameterizedType) t).getActualTypeArguments()).containsExactly(String.class, Integer.class);
        assertThat(((ParameterizedType) t).getRawType()).isEqualTo(Map.class);
    }

    @Test
    void unknownClassesFailNamingTheType() {
        assertThatThrownBy(() -> ValueTypes.parse("java.util.List<com.acme.Gone>", LOADER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("com.acme.Gone").hasMessageContaining("not on the class path");
    }

    /** Classes are loaded through the given loader (the application's), not this class's own. */
    @Test
    void loadsThroughTheGivenLoader() {
        ClassLoader blind = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                throw new ClassNotFoundException(name);
            }
        };
        assertThat(ValueTypes.parse("java.lang.String", blind)).isEqualTo(String.class); // bootstrap classes
        assertThatThrownBy(() -> ValueTypes.parse(User.class.getName(), blind))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(User.class.getName());
    }

    @Test
    void trailingTextIsRejected() {
        assertThatThrownBy(() -> ValueTypes.parse("java.util.List<java.lang.String>>", LOADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unexpected '>'");
        assertThatThrownBy(() -> ValueTypes.parse("java.lang.String,java.lang.Integer", LOADER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertSameType(String canonical, String field) throws Exception {
        Type parsed = ValueTypes.parse(canonical, LOADER);
        Type reflective = fieldType(field);
        assertThat(parsed).as(canonical).isEqualTo(reflective);
        assertThat(reflective).as("symmetric: " + canonical).isEqualTo(parsed);
        assertThat(parsed.hashCode()).as("hash of " + canonical).isEqualTo(reflective.hashCode());
    }
}
