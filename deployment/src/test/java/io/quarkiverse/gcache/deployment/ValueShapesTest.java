package io.quarkiverse.gcache.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.ParameterizedType;
import org.jboss.jandex.Type;
import org.junit.jupiter.api.Test;

/**
 * The shape fingerprint of R14b: it changes when a cached class changes shape (a field or component renamed,
 * retyped, added), deep inside the value too, and not otherwise.
 */
class ValueShapesTest {

    record Address(String street, int number) {
    }

    record User(String id, String name, Address address) {
    }

    record UserRenamedField(String id, String fullName, Address address) {
    }

    record UserRetyped(String id, String name, Optional<Address> address) {
    }

    record AddressWithZip(String street, int number, String zip) {
    }

    record UserNewAddress(String id, String name, AddressWithZip address) {
    }

    static class Base {
        String id;
        static int ignoredStatic;
    }

    static class Pojo extends Base {
        List<String> tags;
        transient String ignoredTransient;

        String computed() {
            return id;
        }
    }

    enum Status {
        ACTIVE,
        BLOCKED
    }

    record Node(String name, List<Node> children) {
    }

    static IndexView index() throws IOException {
        return Index.of(Address.class, User.class, UserRenamedField.class, UserRetyped.class, AddressWithZip.class,
                UserNewAddress.class, Base.class, Pojo.class, Status.class, Node.class);
    }

    static Type type(Class<?> c) {
        return Type.create(DotName.createSimple(c), Type.Kind.CLASS);
    }

    /** The record's shape, with its name replaced so that only the shape is compared. */
    static String shapeAs(Class<?> c, String name) throws IOException {
        return ValueShapes.describe(type(c), index()).replaceFirst("^[^{]*", name);
    }

    @Test
    void describesRecordComponentsRecursively() throws IOException {
        assertThat(ValueShapes.describe(type(User.class), index())).contains("id:java.lang.String;", "name:java.lang.String;",
                "address:", "number:int;", "street:java.lang.String;");
    }

    @Test
    void aRenamedOrRetypedComponentChangesTheShape() throws IOException {
        String user = shapeAs(User.class, "U");
        assertThat(shapeAs(UserRenamedField.class, "U")).isNotEqualTo(user);
        assertThat(shapeAs(UserRetyped.class, "U")).isNotEqualTo(user);
    }

    @Test
    void aChangeDeepInsideTheValueChangesTheShape() throws IOException {
        // same top-level components, but the nested Address gained a field
        String before = shapeAs(User.class, "U").replace(Address.class.getName(), "A");
        String after = shapeAs(UserNewAddress.class, "U").replace(AddressWithZip.class.getName(), "A");
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void classesCountInheritedFieldsButNotStaticOrTransientOnesOrMethods() throws IOException {
        String pojo = ValueShapes.describe(type(Pojo.class), index());
        assertThat(pojo).contains("id:java.lang.String;", "tags:java.util.List<java.lang.String>;")
                .doesNotContain("ignoredStatic", "ignoredTransient", "computed");
    }

    @Test
    void enumsByTheirConstantsJdkTypesByName() throws IOException {
        assertThat(ValueShapes.describe(type(Status.class), index())).endsWith("{ACTIVE;BLOCKED;}");
        Type map = ParameterizedType.create(DotName.createSimple(Map.class),
                new Type[] { type(String.class), type(User.class) }, null);
        assertThat(ValueShapes.describe(map, index()))
                .startsWith("java.util.Map<java.lang.String," + User.class.getName() + "{");
    }

    @Test
    void recursiveTypesTerminate() throws IOException {
        assertThat(ValueShapes.describe(type(Node.class), index())).contains("children:java.util.List<");
        assertThat(ValueShapes.fingerprint(type(Node.class), index()))
                .isEqualTo(ValueShapes.fingerprint(type(Node.class), index()));
    }

    @Test
    void theFingerprintFollowsTheDescription() throws IOException {
        assertThat(ValueShapes.fingerprint(type(User.class), index()))
                .isNotEqualTo(ValueShapes.fingerprint(type(UserRenamedField.class), index()))
                .isEqualTo(ValueShapes.fingerprint(type(User.class), index()));
    }
}
