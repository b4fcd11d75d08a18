package io.quarkiverse.gcache.runtime.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.GCacheKeyAdapter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * R30: composite key arguments (records, nested records, lists, sets, maps, arrays, optionals) are encoded component
 * by component, so that two different values never share a key.
 * <p>
 * The forms are those the build plans for these types (record components sorted by name, as the index lists them) (the
 * deployment module's tests check that it plans them). The
 * proof of injectivity is a strict decoder written from the grammar ({@link #decode}): every key string decodes back
 * to the value it was built from (seen through {@link #view}, which keeps exactly what the value means), so no
 * other value can have built it. Pairs of values that {@code toString()} would confuse are checked directly too.
 */
class CompositeKeysPropertyTest {

    private static final int TRIES = 1000;

    record Filters(String name, String city) {
    }

    record Search(Filters filters, List<String> tags, Map<String, String> attributes, Set<String> flags,
            Optional<Filters> fallback, Integer page) {
    }

    /** Recursive: the form refers back to the record. */
    record Node(String value, Node next) {
    }

    static final String FILTERS = "R" + Filters.class.getName() + "(city:S,name:S)";
    static final String SEARCH = "R" + Search.class.getName() + "(attributes:MSS,fallback:O" + FILTERS + ",filters:"
            + FILTERS + ",flags:TS,page:S,tags:LS)";
    static final String NODE = "R" + Node.class.getName() + "(next:@" + Node.class.getName() + ";,value:S)";

    static String encode(String form, Object value) {
        StringBuilder sb = new StringBuilder();
        KeyForms.parse(form, CompositeKeysPropertyTest.class.getClassLoader()).append(sb, value, Integer.MAX_VALUE);
        return sb.toString();
    }

    // ------------------------------------------------------------------ the issue's example

    @Test
    void recordsThatPrintAlikeGetDifferentKeys() {
        Filters a = new Filters("a, city=b", "c");
        Filters b = new Filters("a", "b, city=c");
        assertThat(a.toString()).isEqualTo(b.toString()); // why toString() cannot be a key
        assertThat(encode(FILTERS, a)).isEqualTo("(city!c,name!a%2C city%3Db)");
        assertThat(encode(FILTERS, b)).isEqualTo("(city!b%2C city%3Dc,name!a)");
    }

    @Test
    void nullAndEmptyAreDistinctFromEveryString() {
        assertThat(encode(FILTERS, new Filters(null, ""))).isEqualTo("(city!'',name!~)");
        assertThat(encode(FILTERS, new Filters("null", "''"))).isEqualTo("(city!%27%27,name!null)");
        assertThat(encode(FILTERS, null)).isEqualTo("~");
        assertThat(encode("LS", List.of())).isEqualTo("[]");
        assertThat(encode("LS", List.of(""))).isEqualTo("['']");
        assertThat(encode("LS", Arrays.asList((String) null))).isEqualTo("[~]");
        assertThat(encode("O" + FILTERS, Optional.empty())).isEqualTo("Optional.empty");
    }

    @Test
    void aSetsOrderAndAMapsOrderAreNotPartOfTheirKey() {
        Set<String> a = new LinkedHashSet<>(List.of("b", "a", "c"));
        Set<String> b = new HashSet<>(64);
        b.addAll(List.of("c", "a", "b"));
        assertThat(encode("TS", a)).isEqualTo(encode("TS", b)).isEqualTo("[a,b,c]");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("z", "1");
        m.put("a", "2");
        assertThat(encode("MSS", m)).isEqualTo(encode("MSS", new TreeMap<>(m))).isEqualTo("[a!2,z!1]");
        // a Collection parameter: sorted when the value is a set, in order when it is not
        assertThat(encode("CS", a)).isEqualTo("[a,b,c]");
        assertThat(encode("CS", List.of("b", "a"))).isEqualTo("[b,a]");
    }

    @Test
    void arraysAreEncodedByElementNeverByIdentity() {
        assertThat(encode("AS", new int[] { 1, 2 })).isEqualTo("[1,2]");
        assertThat(encode("AS", new String[] { "a,b" })).isEqualTo("[a%2Cb]");
        assertThat(encode("AAS", new String[][] { { "a" }, {} })).isEqualTo("[[a],[]]");
        assertThat(encode("AS", new int[] { 1, 2 })).isEqualTo(encode("AS", new int[] { 1, 2 }));
    }

    @Test
    void recursiveRecords() {
        assertThat(encode(NODE, new Node("a", new Node("b", null)))).isEqualTo("(next!(next!~,value!b),value!a)");
    }

    // ------------------------------------------------------------------ KeyBuilder: plain, null, and length

    @SuppressWarnings("unchecked")
    static KeyBuilder builder(String form, int maxArgLength) {
        KeyForms.Encoder encoder = form == null ? null : KeyForms.parse(form, CompositeKeysPropertyTest.class.getClassLoader());
        return new KeyBuilder("urn", "user_id", true, new ParameterIdExtractor(0), new String[] { "q" },
                new int[] { 1 }, new GCacheKeyAdapter[1], new KeyForms.Encoder[] { encoder }, maxArgLength, "Find");
    }

    @Test
    void plainArgumentsKeepTheirKeysAndNullIsTheNameAlone() {
        KeyBuilder keys = builder(null, 512);
        assertThat(keys.build(new Object[] { "7", "a,b" })).isEqualTo("{urn:user_id:7}?q=a,b#Find");
        assertThat(keys.build(new Object[] { "7", "null" })).isEqualTo("{urn:user_id:7}?q=null#Find");
        assertThat(keys.build(new Object[] { "7", null })).isEqualTo("{urn:user_id:7}?q#Find");
        assertThat(keys.build(new Object[] { "7", "" })).isEqualTo("{urn:user_id:7}?q=#Find");
        assertThat(builder(FILTERS, 512).build(new Object[] { "7", new Filters("a", "b") }))
                .isEqualTo("{urn:user_id:7}?q=(city!b,name!a)#Find");
    }

    @Test
    void anArgumentLongerThanTheLimitEndsKeyBuilding() {
        KeyBuilder plain = builder(null, 10);
        assertThat(plain.localKey(new Object[] { "7", "x".repeat(10) })).isEqualTo("7?q=xxxxxxxxxx");
        assertThatThrownBy(() -> plain.localKey(new Object[] { "7", "x".repeat(11) }))
                .isSameAs(KeyTooLongException.INSTANCE);
        // the limit applies to the argument as written into the key: escaping counts
        assertThat(plain.localKey(new Object[] { "7", ":::" })).isEqualTo("7?q=%3A%3A%3A");
        assertThatThrownBy(() -> plain.localKey(new Object[] { "7", "::::" })).isSameAs(KeyTooLongException.INSTANCE);
        KeyBuilder composite = builder("LS", 10);
        assertThat(composite.localKey(new Object[] { "7", List.of("abc", "def") })).isEqualTo("7?q=[abc,def]");
        assertThatThrownBy(() -> composite.localKey(new Object[] { "7", List.of("abc", "defgh") }))
                .isSameAs(KeyTooLongException.INSTANCE);
        KeyBuilder set = builder("TS", 10);
        assertThat(set.localKey(new Object[] { "7", Set.of("defg", "abc") })).isEqualTo("7?q=[abc,defg]");
        assertThatThrownBy(() -> set.localKey(new Object[] { "7", Set.of("abc", "defgh") }))
                .isSameAs(KeyTooLongException.INSTANCE);
        KeyBuilder map = builder("MSS", 11);
        assertThat(map.localKey(new Object[] { "7", Map.of("ab", "cd", "e", "f") })).isEqualTo("7?q=[ab!cd,e!f]");
        assertThatThrownBy(() -> map.localKey(new Object[] { "7", Map.of("ab", "cd", "e", "fg") }))
                .isSameAs(KeyTooLongException.INSTANCE);
        // a huge value is abandoned without being written out
        List<String> huge = Collections.nCopies(1_000_000, "x".repeat(100));
        assertThatThrownBy(() -> composite.localKey(new Object[] { "7", huge })).isSameAs(KeyTooLongException.INSTANCE);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = TRIES)
    void everyRecordKeyDecodesBackToItsValue(@ForAll("searches") Search s) {
        String key = encode(SEARCH, s);
        assertEquals(view(s), decode(SEARCH, key), () -> "key " + key);
        assertNoRawReserved(key);
    }

    @Property(tries = TRIES)
    void everyRecursiveKeyDecodesBackToItsValue(@ForAll("nodes") Node n) {
        String key = encode(NODE, n);
        assertEquals(view(n), decode(NODE, key), () -> "key " + key);
    }

    @Property(tries = TRIES)
    void collectionsAndMapsDecodeBackToTheirValues(@ForAll("lists") List<String> list, @ForAll("maps") Map<String, String> map,
            @ForAll("lists") List<String> elements) {
        assertEquals(view(list), decode("LS", encode("LS", list)));
        assertEquals(view(list), decode("AS", encode("AS", list.toArray(String[]::new))));
        assertEquals(view(map), decode("MSS", encode("MSS", map)));
        Set<String> set = new HashSet<>(elements);
        assertEquals(view(set), decode("TS", encode("TS", set)));
        Map<List<String>, Set<String>> nested = new HashMap<>();
        nested.put(list, set);
        nested.put(elements, Set.of());
        assertEquals(view(nested), decode("MLSTS", encode("MLSTS", nested)));
    }

    /** Direct pairs: a separator moved from one component into its neighbour, as in the issue. */
    @Property(tries = TRIES)
    void movedSeparatorsGiveDifferentKeys(@ForAll("hostile") String a, @ForAll("hostile") String b,
            @ForAll("separators") String sep) {
        Filters one = new Filters(a + sep + b, a);
        Filters two = new Filters(a, b + sep + a);
        assertEquals(one.equals(two), encode(FILTERS, one).equals(encode(FILTERS, two)));
        List<String> l1 = Arrays.asList(a + sep + b);
        List<String> l2 = Arrays.asList(a, b);
        assertEquals(l1.equals(l2), encode("LS", l1).equals(encode("LS", l2)));
        Map<String, String> m1 = Map.of(a + sep, b);
        Map<String, String> m2 = Map.of(a, sep + b);
        assertEquals(m1.equals(m2), encode("MSS", m1).equals(encode("MSS", m2)));
    }

    @Property(tries = TRIES)
    void distinctSearchesGiveDistinctKeys(@ForAll("searches") Search a, @ForAll("searches") Search b) {
        assertEquals(view(a).equals(view(b)), encode(SEARCH, a).equals(encode(SEARCH, b)));
    }

    /** And through the whole key: a record argument's key never reads as other arguments or another entity. */
    @Property(tries = TRIES)
    void fullKeysWithCompositeArgumentsStayParseable(@ForAll("hostile") String id, @ForAll("searches") Search s) {
        KeyBuilder keys = builder(SEARCH, Integer.MAX_VALUE);
        String key = keys.build(new Object[] { id, s });
        String entity = Urns.entity("urn", "user_id", id);
        assertThat(Urns.entityOf(key)).isEqualTo(entity);
        String query = key.substring(entity.length());
        assertThat(query).startsWith("?q=").endsWith("#Find");
        String value = query.substring(3, query.length() - "#Find".length());
        assertEquals(view(s), decode(SEARCH, value));
    }

    // ------------------------------------------------------------------ the oracle: what a value means, and a decoder

    /**
     * What a value means for the method: records as their components by name, lists and arrays in order, sets and
     * maps without order, scalars as their strings, {@code null} as {@code null}.
     */
    static Object view(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Record r) {
            Map<String, Object> components = new LinkedHashMap<>();
            for (var c : r.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    components.put(c.getName(), view(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return components;
        }
        if (v instanceof Optional<?> o) {
            return o.map(x -> List.of("Optional", view(x))).orElse(List.of("Optional.empty"));
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new HashSet<>();
            s.forEach(x -> out.add(view(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(view(x)));
            return out;
        }
        if (v instanceof Object[] a) {
            return view(Arrays.asList(a));
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new HashMap<>();
            m.forEach((k, x) -> out.put(view(k), view(x)));
            return out;
        }
        return KeyValues.toKeyString(v);
    }

    /** Strict decoder of a key string of {@code form}; fails on anything the grammar does not allow. */
    static Object decode(String form, String key) {
        int[] f = { 0 };
        int[] k = { 0 };
        Object v = decode(form, f, key, k, new HashMap<>());
        assertEquals(key.length(), k[0], () -> "junk after the value in " + key);
        return v;
    }

    private static Object decode(String form, int[] f, String key, int[] k, Map<String, Integer> records) {
        char kind = form.charAt(f[0]++);
        if (kind == '@') {
            int end = form.indexOf(';', f[0]);
            String name = form.substring(f[0], end);
            f[0] = end + 1;
            int[] again = { records.get(name) };
            return decode(form, again, key, k, records);
        }
        if (key.startsWith("~", k[0])) {
            k[0]++;
            skip(form, f, kind);
            return null;
        }
        switch (kind) {
            case 'S': {
                if (key.startsWith("''", k[0])) {
                    k[0] += 2;
                    return "";
                }
                int end = k[0];
                while (end < key.length() && "()[],!~'".indexOf(key.charAt(end)) < 0) {
                    end++;
                }
                assertThat(end).as("empty scalar in %s", key).isGreaterThan(k[0]);
                String s = KeyInjectionPropertyTest.unescape(key.substring(k[0], end));
                k[0] = end;
                return s;
            }
            case 'O': {
                if (key.startsWith("Optional.empty", k[0])) {
                    k[0] += "Optional.empty".length();
                    skip(form, f, 'X');
                    return List.of("Optional.empty");
                }
                expect(key, k, "Optional[");
                Object v = decode(form, f, key, k, records);
                expect(key, k, "]");
                return List.of("Optional", v);
            }
            case 'L':
            case 'A':
            case 'T':
            case 'C': {
                List<Object> out = new ArrayList<>();
                List<String> raw = new ArrayList<>();
                expect(key, k, "[");
                int elementForm = f[0];
                while (!key.startsWith("]", k[0])) {
                    if (!out.isEmpty()) {
                        expect(key, k, ",");
                    }
                    int start = k[0];
                    f[0] = elementForm;
                    out.add(decode(form, f, key, k, records));
                    raw.add(key.substring(start, k[0]));
                }
                k[0]++;
                if (out.isEmpty()) {
                    f[0] = elementForm;
                    skip(form, f, 'X');
                }
                if (kind == 'T') {
                    List<String> sorted = new ArrayList<>(raw);
                    Collections.sort(sorted);
                    assertEquals(sorted, raw, "set elements not sorted");
                    return new HashSet<>(out);
                }
                return out;
            }
            case 'M': {
                Map<Object, Object> out = new HashMap<>();
                List<String> raw = new ArrayList<>();
                expect(key, k, "[");
                int keyForm = f[0];
                skip(form, f, 'X');
                int valueForm = f[0];
                while (!key.startsWith("]", k[0])) {
                    if (!out.isEmpty()) {
                        expect(key, k, ",");
                    }
                    int start = k[0];
                    f[0] = keyForm;
                    Object mk = decode(form, f, key, k, records);
                    raw.add(key.substring(start, k[0]));
                    expect(key, k, "!");
                    f[0] = valueForm;
                    Object mv = decode(form, f, key, k, records);
                    assertThat(out.put(mk, mv)).as("key twice in %s", key).isNull();
                }
                k[0]++;
                f[0] = valueForm;
                skip(form, f, 'X');
                List<String> sorted = new ArrayList<>(raw);
                Collections.sort(sorted);
                assertEquals(sorted, raw, "map keys not sorted");
                return out;
            }
            case 'R': {
                int open = form.indexOf('(', f[0]);
                records.put(form.substring(f[0], open), f[0] - 1);
                f[0] = open + 1;
                Map<String, Object> out = new LinkedHashMap<>();
                expect(key, k, "(");
                while (form.charAt(f[0]) != ')') {
                    int colon = form.indexOf(':', f[0]);
                    String name = form.substring(f[0], colon);
                    f[0] = colon + 1;
                    if (!out.isEmpty()) {
                        expect(key, k, ",");
                    }
                    expect(key, k, name + "!");
                    out.put(name, decode(form, f, key, k, records));
                    if (form.charAt(f[0]) == ',') {
                        f[0]++;
                    }
                }
                f[0]++;
                expect(key, k, ")");
                return out;
            }
            default:
                throw new AssertionError("form " + form);
        }
    }

    /** Moves {@code f} past one form (the rest of it when {@code kind} was already read, else a whole one). */
    private static void skip(String form, int[] f, char kind) {
        char c = kind == 'X' ? form.charAt(f[0]++) : kind;
        switch (c) {
            case 'S' -> {
            }
            case 'O', 'L', 'A', 'T', 'C' -> skip(form, f, 'X');
            case 'M' -> {
                skip(form, f, 'X');
                skip(form, f, 'X');
            }
            case '@' -> f[0] = form.indexOf(';', f[0]) + 1;
            case 'R' -> {
                f[0] = form.indexOf('(', f[0]) + 1;
                while (form.charAt(f[0]) != ')') {
                    f[0] = form.indexOf(':', f[0]) + 1;
                    skip(form, f, 'X');
                    if (form.charAt(f[0]) == ',') {
                        f[0]++;
                    }
                }
                f[0]++;
            }
            default -> throw new AssertionError("form " + form);
        }
    }

    private static void expect(String key, int[] k, String text) {
        assertThat(key.startsWith(text, k[0])).as("expected %s at %s of %s", text, k[0], key).isTrue();
        k[0] += text.length();
    }

    /** R5 still holds for the whole argument: no reserved character appears raw. */
    private static void assertNoRawReserved(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            assertThat("%:?#&={}".indexOf(c) < 0 || (c == '%' && i + 2 < key.length())).as("raw %s in %s", c, key)
                    .isTrue();
            assertThat(Character.isISOControl(c)).isFalse();
        }
    }

    // ------------------------------------------------------------------ generators

    private static final String[] TOKENS = { ",", "=", "&", "?", "#", ":", "%", "(", ")", "[", "]", "!", "~", "'",
            "''", "{", "}", " ", ", city=", "name!", "null", "~", "Optional.empty", "Optional[", "%2C", "%7E", "a", "b",
            "é", "\n", "\u0000" };

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(Arbitraries.of(TOKENS).list().ofMaxSize(5).map(l -> String.join("", l)),
                Arbitraries.strings().withChars(",=&?#:%()[]!~'ab ").ofMaxLength(6));
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(",", ", city=", ")", "(", "]", "[", "!", "~", "'", "&", "=", "%2C");
    }

    private Arbitrary<String> nullable() {
        return hostile().injectNull(0.1);
    }

    @Provide
    Arbitrary<List<String>> lists() {
        return nullable().list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<Map<String, String>> maps() {
        return Arbitraries.maps(nullable(), nullable()).ofMaxSize(4);
    }

    private Arbitrary<Filters> filters() {
        return Combinators.combine(nullable(), nullable()).as(Filters::new);
    }

    @Provide
    Arbitrary<Search> searches() {
        return Combinators.combine(filters().injectNull(0.1), lists().injectNull(0.1), maps().injectNull(0.1),
                nullable().set().ofMaxSize(4).injectNull(0.1),
                filters().optional().injectNull(0.1),
                Arbitraries.integers().between(-2, 2).injectNull(0.2))
                .as(Search::new);
    }

    @Provide
    Arbitrary<Node> nodes() {
        return nullable().list().ofMaxSize(4).map(values -> {
            Node n = null;
            for (String v : values) {
                n = new Node(v, n);
            }
            return n;
        });
    }
}
