package io.quarkiverse.gcache.runtime.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.quarkiverse.gcache.GCacheKey;
import io.quarkiverse.gcache.GCacheKeyAdapter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property tests of the key format (reference R4/R5): components from hostile strings must neither collide nor leak
 * into another component, and the entity part of a key must name exactly its own entity, so that an invalidation
 * (LOCAL index by {@link Urns#entityOf}, REMOTE watermark) never reaches another entity.
 * <p>
 * Keys are built by the production code only: {@link KeyBuilder} (as the use cases build them) and
 * {@link GCacheKey#urn(String, boolean)} (as {@code GCache.delete} builds them). The test decodes keys with its own
 * strict parser ({@link #parse}); a key that parses back to the call it was built from cannot be built by any other
 * call, which is the injectivity the cache needs.
 */
class KeyInjectionPropertyTest {

    private static final String PREFIX = Urns.DEFAULT_PREFIX;
    private static final String RESERVED = "%:?#&={}";
    private static final int TRIES = 1000;

    /** One cached call: what the key must identify. */
    record Call(String keyType, String id, SortedMap<String, String> args, String useCase) {

        Call {
            args = new TreeMap<>(args);
        }

        Call withEntity(String keyType, String id) {
            return new Call(keyType, id, args, useCase);
        }

        Call withArgs(SortedMap<String, String> args) {
            return new Call(keyType, id, args, useCase);
        }

        boolean sameEntity(Call o) {
            return keyType.equals(o.keyType) && id.equals(o.id);
        }
    }

    /** A parameter type without a stable string form; its adapter gives the key string. */
    record Box(String value) {
    }

    private static final GCacheKeyAdapter<Object> UNBOX = v -> ((Box) v).value();

    // ------------------------------------------------------------------ 1. distinct calls, distinct keys

    @Property(tries = TRIES)
    void everyKeyParsesBackToItsCall(@ForAll("calls") Call call, @ForAll boolean viaAdapters) {
        for (boolean tracked : new boolean[] { true, false }) {
            String key = build(call, tracked, viaAdapters);
            assertEquals(call, parse(key, tracked), () -> "key " + show(key));
        }
    }

    @Property(tries = TRIES)
    void keyBuilderAndGCacheKeyAgree(@ForAll("calls") Call call, @ForAll boolean viaAdapters) {
        for (boolean tracked : new boolean[] { true, false }) {
            assertEquals(gcacheKey(call).urn(PREFIX, tracked), build(call, tracked, viaAdapters));
        }
        assertEquals(gcacheKey(call).urn(PREFIX, true), gcacheKey(call).urn());
    }

    /** Pairs from a tiny alphabet of separators, so that unescaped texts coincide often. */
    @Property(tries = TRIES)
    void distinctTinyCallsGiveDistinctKeys(@ForAll("tinyCalls") Call a, @ForAll("tinyCalls") Call b,
            @ForAll boolean viaAdapters) {
        assertKeysDistinctIffCallsDistinct(a, b, viaAdapters);
    }

    /** Pairs whose unescaped texts are equal: a separator moved from one component into another. */
    @Property(tries = TRIES)
    void smuggledSeparatorsGiveDistinctKeys(@ForAll("smuggledPairs") Call[] pair, @ForAll boolean viaAdapters) {
        assertNotEquals(pair[0], pair[1]);
        assertKeysDistinctIffCallsDistinct(pair[0], pair[1], viaAdapters);
    }

    @Property(tries = TRIES)
    void distinctHostileCallsGiveDistinctKeys(@ForAll("calls") Call a, @ForAll("calls") Call b) {
        assertKeysDistinctIffCallsDistinct(a, b, false);
    }

    // ------------------------------------------------------------------ 2. entity part and watermark

    @Property(tries = TRIES)
    void entityPartIsTheCallsOwnEntity(@ForAll("calls") Call call, @ForAll boolean viaAdapters) {
        String entity = Urns.entity(PREFIX, call.keyType(), call.id());
        String watermark = Urns.watermarkKey(PREFIX, call.keyType(), call.id());
        assertEquals(entity + "#" + Urns.WATERMARK, watermark);
        for (boolean tracked : new boolean[] { true, false }) {
            String key = build(call, tracked, viaAdapters);
            assertEquals(entity, Urns.entityOf(key), () -> "key " + show(key));
            // what ReadThrough reads next to the value equals what Invalidator writes for the entity
            assertEquals(watermark, Urns.entityOf(key) + "#" + Urns.WATERMARK);
            assertNotEquals(watermark, key, "a value key must never be a watermark key");
        }
        // tracked keys and their watermark share one Redis hash tag (same cluster slot), and it is the entity
        String key = build(call, true, viaAdapters);
        assertEquals(hashTag(watermark), hashTag(key));
        assertEquals(entity.substring(1, entity.length() - 1), hashTag(key));
    }

    @Property(tries = TRIES)
    void otherEntitiesNeverShareEntityOrWatermark(@ForAll("entityPairs") Call[] pair, @ForAll boolean viaAdapters) {
        assertEntitiesSeparated(pair[0], pair[1], viaAdapters);
    }

    @Property(tries = TRIES)
    void tinyEntitiesNeverShareEntityOrWatermark(@ForAll("tinyCalls") Call a, @ForAll("tinyCalls") Call b) {
        assertEntitiesSeparated(a, b, false);
    }

    /**
     * Use case names are free text ({@code @GCached(useCase = ...)}; the build rejects only {@code watermark}) and are
     * appended unescaped. Keys stay distinct: nothing before the first raw {@code #} contains one.
     */
    @Property(tries = TRIES)
    void anyUseCaseNameKeepsKeysDistinct(@ForAll("calls") Call call, @ForAll("components") String useCase) {
        Call named = new Call(call.keyType(), call.id(), call.args(), useCase);
        for (boolean tracked : new boolean[] { true, false }) {
            String key = build(named, tracked, false);
            assertEquals(named, parse(key, tracked), () -> "key " + show(key));
        }
    }

    /**
     * ... and the entity part (LOCAL invalidation index, watermark) must not depend on the use case name.
     * <p>
     * Found by this property: an untracked key without arguments whose use case name contains {@code ?} (key
     * {@code urn::#?}) was cut at that {@code ?}, so its LOCAL entries were indexed under the wrong entity and an
     * invalidation never reached them.
     */
    @Property(tries = TRIES)
    void entityPartIgnoresAnyUseCaseName(@ForAll("calls") Call call, @ForAll("components") String useCase) {
        Call named = new Call(call.keyType(), call.id(), call.args(), useCase);
        String entity = Urns.entity(PREFIX, call.keyType(), call.id());
        for (boolean tracked : new boolean[] { true, false }) {
            String key = build(named, tracked, false);
            assertEquals(entity, Urns.entityOf(key), () -> "key " + show(key));
        }
    }

    // ------------------------------------------------------------------ 3. escaping is exact

    @Property(tries = TRIES)
    void plainComponentsAreKeptAsIs(@ForAll("plain") String s) {
        assertEquals(s, escape(s));
        Call call = new Call(s, s, new TreeMap<>(Map.of(s, s)), "UseCase.get");
        assertEquals(PREFIX + ":" + s + ":" + s + "?" + s + "=" + s + "#UseCase.get", build(call, false, false));
        assertEquals("{" + PREFIX + ":" + s + ":" + s + "}?" + s + "=" + s + "#UseCase.get", build(call, true, false));
    }

    @Property(tries = TRIES)
    void alphanumericIdsAreUnchanged(@ForAll("alphanumeric") String id) {
        assertEquals(id, escape(id));
        assertEquals("{urn:user_id:" + id + "}?page=1#GetUserPosts",
                build(new Call("user_id", id, new TreeMap<>(Map.of("page", "1")), "GetUserPosts"), true, false));
        assertEquals("urn:user_id:" + id + "#GetUserPosts", build(new Call("user_id", id, new TreeMap<>(),
                "GetUserPosts"), false, false));
    }

    @Property(tries = TRIES)
    void escapingMatchesTheRuleExactly(@ForAll("components") String s) {
        String escaped = escape(s);
        assertEquals(referenceEscape(s), escaped);
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            assertFalse(Character.isISOControl(c), () -> "raw control character in " + show(escaped));
            if (c == '%') {
                assertTrue(i + 2 < escaped.length() && isUpperHex(escaped.charAt(i + 1))
                        && isUpperHex(escaped.charAt(i + 2)), () -> "bad escape in " + show(escaped));
                i += 2;
            } else {
                assertTrue(RESERVED.indexOf(c) < 0, () -> "raw '" + c + "' in " + show(escaped));
            }
        }
        assertEquals(s, unescape(escaped));
    }

    // ------------------------------------------------------------------ assertions

    private static void assertKeysDistinctIffCallsDistinct(Call a, Call b, boolean viaAdapters) {
        for (boolean tracked : new boolean[] { true, false }) {
            String ka = build(a, tracked, viaAdapters);
            String kb = build(b, tracked, !viaAdapters);
            assertEquals(a.equals(b), ka.equals(kb), () -> "calls " + a + " / " + b + " gave keys " + show(ka) + " / "
                    + show(kb));
        }
    }

    private static void assertEntitiesSeparated(Call a, Call b, boolean viaAdapters) {
        boolean same = a.sameEntity(b);
        String wa = Urns.watermarkKey(PREFIX, a.keyType(), a.id());
        String wb = Urns.watermarkKey(PREFIX, b.keyType(), b.id());
        assertEquals(same, wa.equals(wb), () -> "watermarks " + show(wa) + " / " + show(wb));
        assertEquals(same, Urns.entity(PREFIX, a.keyType(), a.id()).equals(Urns.entity(PREFIX, b.keyType(), b.id())));
        for (boolean tracked : new boolean[] { true, false }) {
            String ka = build(a, tracked, viaAdapters);
            String kb = build(b, tracked, viaAdapters);
            // LOCAL: the entries an invalidation of b drops are those indexed under b's entity
            assertEquals(same, Urns.entityOf(ka).equals(Urns.entity(PREFIX, b.keyType(), b.id())),
                    () -> "key " + show(ka) + " indexed under entity of " + b);
            assertEquals(same, Urns.entityOf(ka).equals(Urns.entityOf(kb)));
            // REMOTE: the watermark read with a's value is the one b's invalidation writes only for the same entity
            assertEquals(same, (Urns.entityOf(ka) + "#" + Urns.WATERMARK).equals(wb),
                    () -> "key " + show(ka) + " reads watermark " + show(wb));
            assertNotEquals(wb, ka, "a value key must never be a watermark key");
            // LOCAL computations under way: an invalidation of b ends the claims of exactly b's keys
            assertEquals(same, Urns.isKeyOf(ka, Urns.entity(PREFIX, b.keyType(), b.id())),
                    () -> "isKeyOf(" + show(ka) + ", entity of " + b + ")");
        }
    }

    // ------------------------------------------------------------------ production code under test

    /** Builds the key with {@link KeyBuilder}: id as parameter 0 (or through a path extractor), args after it. */
    @SuppressWarnings("unchecked")
    static String build(Call call, boolean tracked, boolean viaAdapters) {
        int n = call.args().size();
        String[] names = call.args().keySet().toArray(String[]::new);
        int[] indexes = new int[n];
        GCacheKeyAdapter<Object>[] adapters = new GCacheKeyAdapter[n];
        Object[] params = new Object[n + 2];
        // arguments deliberately out of declaration order: KeyBuilder must follow argIndexes
        for (int i = 0; i < n; i++) {
            indexes[i] = n + 1 - i;
            String value = call.args().get(names[i]);
            params[indexes[i]] = viaAdapters ? new Box(value) : value;
            adapters[i] = viaAdapters ? UNBOX : null;
        }
        IdExtractor id;
        if (viaAdapters) {
            params[0] = new Box(call.id());
            id = p -> ((Box) p[0]).value(); // as a generated path extractor (id = "box.value") does
        } else {
            params[0] = call.id();
            id = new ParameterIdExtractor(0);
        }
        params[1] = "ignored parameter";
        return new KeyBuilder(PREFIX, call.keyType(), tracked, id, names, indexes, adapters, call.useCase())
                .build(params);
    }

    static GCacheKey gcacheKey(Call call) {
        return new GCacheKey(call.keyType(), call.id(), call.args(), call.useCase());
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        Urns.appendEscaped(sb, s);
        return sb.toString();
    }

    // ------------------------------------------------------------------ independent oracles

    /** R5 written from the rule, code point by code point. */
    static String referenceEscape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (RESERVED.indexOf(cp) >= 0 || Character.isISOControl(cp)) {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(String.format("%02X", b & 0xFF));
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /** Strict inverse of the escaping: rejects raw reserved characters and malformed escapes. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || !isUpperHex(s.charAt(i + 1)) || !isUpperHex(s.charAt(i + 2))) {
                    throw new IllegalArgumentException("malformed escape in " + show(s));
                }
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            if (RESERVED.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new IllegalArgumentException("raw '" + c + "' in component " + show(s));
            }
            flush(bytes, sb);
            sb.append(c);
        }
        flush(bytes, sb);
        return sb.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder sb) {
        if (bytes.size() > 0) {
            sb.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    /**
     * Strict parser of {@code [{]<prefix>:<keyType>:<id>[}][?<name>=<value>(&<name>=<value>)*]#<useCase>}; the use
     * case is everything after the first raw {@code #}, since nothing before it may contain one.
     */
    static Call parse(String key, boolean tracked) {
        String head;
        String rest;
        if (tracked) {
            assertTrue(key.startsWith("{"), () -> "tracked key without hash tag: " + show(key));
            int close = key.indexOf('}');
            assertTrue(close > 0, () -> "unclosed hash tag: " + show(key));
            head = key.substring(1, close);
            rest = key.substring(close + 1);
            assertTrue(rest.startsWith("?") || rest.startsWith("#"), () -> "junk after hash tag: " + show(key));
        } else {
            int end = firstOf(key, '?', '#');
            assertTrue(end >= 0, () -> "no use case: " + show(key));
            head = key.substring(0, end);
            rest = key.substring(end);
        }
        String[] entity = head.split(":", -1);
        assertEquals(3, entity.length, () -> "entity part is not prefix:keyType:id: " + show(key));
        assertEquals(PREFIX, entity[0]);
        int hash = rest.indexOf('#');
        assertTrue(hash >= 0, () -> "no use case: " + show(key));
        String query = rest.substring(0, hash);
        String useCase = rest.substring(hash + 1);
        SortedMap<String, String> args = new TreeMap<>();
        if (!query.isEmpty()) {
            assertTrue(query.startsWith("?"));
            List<String> order = new ArrayList<>();
            for (String pair : query.substring(1).split("&", -1)) {
                String[] nv = pair.split("=", -1);
                assertEquals(2, nv.length, () -> "argument is not name=value: " + show(key));
                String name = unescape(nv[0]);
                order.add(name);
                assertNotNull(name);
                assertEquals(null, args.put(name, unescape(nv[1])), () -> "argument twice: " + show(key));
            }
            assertEquals(new ArrayList<>(args.keySet()), order, () -> "arguments not sorted: " + show(key));
        }
        return new Call(unescape(entity[1]), unescape(entity[2]), args, useCase);
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** The Redis Cluster hash tag: between the first '{' and the first '}' after it, when non-empty. */
    static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : null;
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    /** A key for a failure message: escapes what would make it unreadable and truncates long ones. */
    static String show(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().limit(300).forEach(cp -> {
            if (Character.isISOControl(cp) || cp == '"' || cp == '\\') {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        if (s.length() > 300) {
            sb.append("…(").append(s.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }

    // ------------------------------------------------------------------ generators

    /** Pieces that mean something in a key, in URLs or in Redis, and characters of every width. */
    private static final String[] TOKENS = { ":", "?", "#", "&", "=", "{", "}", "%", " ", "\n", "\r", "\t", "\u0000",
            "\u001f", "\u007f", "\u0085", "\u009f", "é", "漢", "😀", "👩‍👩‍👧", "\u200b", "\ufeff", "a", "Z", "7", "-",
            "_", ".", "/", "+", "~", "|", "*", "\"", "\\", "%3A", "%25", "%7B", "%7d", "%%", "%G1", "urn", "urn:",
            "user_id", "{urn:user_id:1}", "}#watermark", "#watermark", "?page=1", "&page=2", "#GetUserPosts", "null" };

    private static final char[] CHAR_POOL = "%:?#&={} \n\r\t\u0000\u007f\u0085abcXYZ019_-./é漢\u00a0".toCharArray();

    @Provide
    Arbitrary<String> components() {
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(12).map(l -> String.join("", l));
        Arbitrary<String> chars = Arbitraries.strings().withChars(CHAR_POOL).ofMaxLength(40);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(20);
        Arbitrary<String> longChars = upTo10k(chars.filter(x -> !x.isEmpty()));
        Arbitrary<String> longRepeat = Combinators.combine(Arbitraries.of(TOKENS), Arbitraries.integers().between(1, 10_000))
                .as((t, n) -> t.repeat(Math.max(1, Math.min(n, 10_000 / t.length()))));
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("")),
                Tuple.of(10, tokens),
                Tuple.of(6, chars),
                Tuple.of(3, anyUnicode),
                Tuple.of(1, longChars),
                Tuple.of(1, longRepeat));
    }

    /** Use case names as the build produces them ({@code SimpleClassName.methodName}) or as annotations set them. */
    @Provide
    Arbitrary<String> useCases() {
        Arbitrary<String> generated = Combinators.combine(
                Arbitraries.strings().withCharRange('A', 'Z').ofLength(1),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_', '$').ofMaxLength(12),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12))
                .as((a, b, c) -> a + b + "." + c);
        return Arbitraries.oneOf(generated, Arbitraries.of("GetUserPosts", "get-user", "user posts", "Posts_v2", "é漢"));
    }

    @Provide
    Arbitrary<Call> calls() {
        Arbitrary<String> c = components();
        Arbitrary<SortedMap<String, String>> args = Arbitraries.maps(c, c).ofMaxSize(4).map(TreeMap::new);
        return Combinators.combine(c, c, args, useCases()).as(Call::new);
    }

    private static final char[] TINY = ":?#&={}%3Aa".toCharArray();

    @Provide
    Arbitrary<Call> tinyCalls() {
        Arbitrary<String> s = Arbitraries.strings().withChars(TINY).ofMaxLength(3);
        Arbitrary<SortedMap<String, String>> args = Arbitraries.maps(s, s).ofMaxSize(2).map(TreeMap::new);
        return Combinators.combine(Arbitraries.strings().withChars(TINY).ofMaxLength(2), s, args,
                Arbitraries.of("A", "B")).as(Call::new);
    }

    /** A call and a different call whose components, joined with raw separators, read the same. */
    @Provide
    Arbitrary<Call[]> smuggledPairs() {
        return Combinators.combine(tinyCalls(), Arbitraries.integers().between(0, 4), Arbitraries.integers()
                .between(0, 1000)).as((call, how, pick) -> new Call[] { call, smuggle(call, how, pick) })
                .filter(p -> !p[0].equals(p[1]));
    }

    /** Two calls of entities that a naive key would confuse (or of the same entity). */
    @Provide
    Arbitrary<Call[]> entityPairs() {
        Arbitrary<Call[]> shifted = Combinators.combine(tinyCalls(), Arbitraries.integers().between(0, 1000))
                .as((call, pick) -> new Call[] { call, shiftEntityBoundary(call, pick) });
        Arbitrary<Call[]> lookalike = Combinators.combine(tinyCalls(), Arbitraries.integers().between(0, 1000))
                .as((call, pick) -> new Call[] { call, call.withEntity(call.keyType(), percentLookalike(call.id(), pick)) });
        Arbitrary<Call[]> hostile = Combinators.combine(calls(), calls()).as((a, b) -> new Call[] { a, b });
        Arbitrary<Call[]> sameEntity = Combinators.combine(calls(), calls())
                .as((a, b) -> new Call[] { a, b.withEntity(a.keyType(), a.id()) });
        return Arbitraries.oneOf(shifted, lookalike, hostile, sameEntity);
    }

    private static Call smuggle(Call call, int how, int pick) {
        return switch (how) {
            case 0 -> shiftEntityBoundary(call, pick);
            case 1 -> foldArgsIntoId(call);
            case 2 -> foldArgIntoPreviousValue(call, pick);
            case 3 -> call.withEntity(percentLookalike(call.keyType(), pick), call.id());
            default -> call.withEntity(call.keyType(), percentLookalike(call.id(), pick) + "}");
        };
    }

    /** {@code kt:id} re-split at another ':' (or with one added): kt "a", id "b:c" versus kt "a:b", id "c". */
    private static Call shiftEntityBoundary(Call call, int pick) {
        String joined = call.keyType() + ":" + call.id();
        List<Integer> colons = new ArrayList<>();
        for (int i = 0; i < joined.length(); i++) {
            if (joined.charAt(i) == ':' && i != call.keyType().length()) {
                colons.add(i);
            }
        }
        if (colons.isEmpty()) {
            return call.withEntity(call.keyType() + ":", call.id());
        }
        int at = colons.get(pick % colons.size());
        return call.withEntity(joined.substring(0, at), joined.substring(at + 1));
    }

    /** id "1", args {a=b} versus id "1?a=b", no args. */
    private static Call foldArgsIntoId(Call call) {
        StringBuilder id = new StringBuilder(call.id());
        char sep = '?';
        for (Map.Entry<String, String> e : call.args().entrySet()) {
            id.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return new Call(call.keyType(), id.append(call.args().isEmpty() ? "?" : "").toString(), new TreeMap<>(),
                call.useCase());
    }

    /** {a=1, b=2} versus {a="1&b=2"}. */
    private static Call foldArgIntoPreviousValue(Call call, int pick) {
        List<String> names = new ArrayList<>(call.args().keySet());
        if (names.size() < 2) {
            TreeMap<String, String> args = new TreeMap<>(call.args());
            args.put("a=b", "c"); // name with '=' against {a="b=c"}
            return call.withArgs(args);
        }
        int i = 1 + pick % (names.size() - 1);
        TreeMap<String, String> args = new TreeMap<>(call.args());
        String folded = args.remove(names.get(i));
        args.put(names.get(i - 1), args.get(names.get(i - 1)) + "&" + names.get(i) + "=" + folded);
        return call.withArgs(args);
    }

    /** One reserved character replaced by its escape written literally (":" versus "%3A"), or one added. */
    private static String percentLookalike(String s, int pick) {
        for (int k = 0; k < s.length(); k++) {
            int i = (pick + k) % s.length();
            int r = RESERVED.indexOf(s.charAt(i));
            if (r >= 0) {
                return s.substring(0, i) + String.format("%%%02X", (int) RESERVED.charAt(r)) + s.substring(i + 1);
            }
        }
        return s + "%3A";
    }

    /**
     * Long strings (1,000 to 10,000 chars) made by repeating a generated piece: generating every char of them
     * separately would cost most of the run time without finding more.
     */
    private static Arbitrary<String> upTo10k(Arbitrary<String> pieces) {
        return Combinators.combine(pieces, Arbitraries.integers().between(1000, 10_000))
                .as((piece, n) -> piece.repeat(n / piece.length() + 1).substring(0, n));
    }

    @Provide
    Arbitrary<String> plain() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars(' ', '-', '_', '.', '/', '+', '~', '|', '*', '@', '!', 'é', '漢', '\u00a0', '\u200b')
                .ofMaxLength(64)
                .map(s -> s + (s.length() % 3 == 0 ? "😀" : ""));
        return Arbitraries.frequencyOf(Tuple.of(9, plain), Tuple.of(1, upTo10k(plain.filter(s -> !s.isEmpty()))));
    }

    @Provide
    Arbitrary<String> alphanumeric() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(64),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.create(() -> java.util.UUID.randomUUID().toString().replace("-", "")));
    }
}
