package io.quarkiverse.gcache.runtime.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.GCacheKey;

/** Worked examples of the key format (reference R4/R5), next to the properties of {@link KeyInjectionPropertyTest}. */
class UrnsExamplesTest {

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        Urns.appendEscaped(sb, s);
        return sb.toString();
    }

    private static String key(String keyType, String id, Map<String, String> args, String useCase, boolean tracked) {
        return KeyInjectionPropertyTest.build(new KeyInjectionPropertyTest.Call(keyType, id, new TreeMap<>(args), useCase),
                tracked, false);
    }

    @Test
    void reservedAndControlCharactersArePercentEncoded() {
        assertEquals("%25%3A%3F%23%26%3D%7B%7D", escape("%:?#&={}"));
        assertEquals("a%0Ab%09c%00%7F%C2%85", escape("a\nb\tc\u0000\u007f\u0085"));
    }

    @Test
    void everythingElseIsKept() {
        assertEquals("é 漢 😀 /+.-_~|", escape("é 漢 😀 /+.-_~|"));
        assertEquals("", escape(""));
    }

    @Test
    void keysAndWatermarks() {
        assertEquals("{urn:user_id:123}?page=1#GetUserPosts", key("user_id", "123", Map.of("page", "1"), "GetUserPosts",
                true));
        assertEquals("urn:user_id:123?a=2&page=1#GetUserPosts", key("user_id", "123", Map.of("page", "1", "a", "2"),
                "GetUserPosts", false));
        assertEquals("urn:user_id:1%3A2%7D%3Fa%3Db#X", key("user_id", "1:2}?a=b", Map.of(), "X", false));
        assertEquals("{urn:user_id:123}#watermark", Urns.watermarkKey("urn", "user_id", "123"));
        assertEquals("{urn:user_id:123}", Urns.entityOf("urn:user_id:123?page=1#GetUserPosts"));
        assertEquals(new GCacheKey("user_id", "123", Map.of("page", "1"), "GetUserPosts").urn(),
                key("user_id", "123", Map.of("page", "1"), "GetUserPosts", true));
    }

    @Test
    void escapeAgreesWithAppendEscapedAndKeepsPlainStringsAsIs() {
        String plain = "user 7/é漢";
        assertSame(plain, Urns.escape(plain), "nothing to escape: the same instance, no allocation");
        assertEquals("a%3Ab%25", Urns.escape("a:b%"));
        assertEquals(escape("x\u0085{y}"), Urns.escape("x\u0085{y}"));
    }

    @Test
    void entitiesAndArguments() {
        StringBuilder sb = new StringBuilder();
        Urns.appendEntity(sb, "urn", "user:id", "1}", false);
        assertEquals("urn:user%3Aid:1%7D", sb.toString());
        sb.setLength(0);
        Urns.appendEntity(sb, "urn", "user_id", "1", true);
        assertEquals("{urn:user_id:1}", sb.toString());
        assertEquals("{urn:user_id:1}", Urns.entity("urn", "user_id", "1"));
        assertEquals("{app:user_id:1}#watermark", Urns.watermarkKey("app", "user_id", "1"));
        sb.setLength(0);
        Urns.appendArg(sb, "q&x", "a=b");
        assertEquals("q%26x=a%3Db", sb.toString());
    }

    /** The LOCAL index key of a value: the same tracked form whether the key is tracked or not. */
    @Test
    void entityOfTrackedAndUntrackedKeys() {
        assertEquals("{urn:user_id:7}", Urns.entityOf("{urn:user_id:7}#GetUser"));
        assertEquals("{urn:user_id:7}", Urns.entityOf("{urn:user_id:7}?page=1#GetUser"));
        assertEquals("{urn:user_id:7}", Urns.entityOf("urn:user_id:7#GetUser"));
        assertEquals("{urn:user_id:7}", Urns.entityOf("urn:user_id:7?page=1&q=%3F#GetUser"));
        // use case names are not escaped (R5) and may hold '?', '#' or '}': the entity ends before them
        assertEquals("{urn:user_id:7}", Urns.entityOf("urn:user_id:7#Get?User#x"));
        assertEquals("{urn:user_id:7}", Urns.entityOf("{urn:user_id:7}#Get}User"));
        assertEquals("{urn:user_id:7%3F8}", Urns.entityOf("urn:user_id:7%3F8#GetUser"));
    }

    /** Which claims under way an invalidation ends (LocalLayer): exactly the keys of that entity. */
    @Test
    void isKeyOfMatchesWholeEntitiesOnly() {
        String entity = "{urn:user_id:1}";
        assertTrue(Urns.isKeyOf("{urn:user_id:1}#GetUser", entity));
        assertTrue(Urns.isKeyOf("{urn:user_id:1}?page=2#GetUser", entity));
        assertTrue(Urns.isKeyOf("urn:user_id:1#GetUser", entity));
        assertTrue(Urns.isKeyOf("urn:user_id:1?page=2#GetUser", entity));
        // an id that extends this one, by a character or by an escaped separator
        assertFalse(Urns.isKeyOf("{urn:user_id:12}#GetUser", entity));
        assertFalse(Urns.isKeyOf("urn:user_id:12#GetUser", entity));
        assertFalse(Urns.isKeyOf("urn:user_id:1%3A2#GetUser", entity));
        assertFalse(Urns.isKeyOf("{urn:user_id:1%7D}#GetUser", entity));
        // another key type, prefix or entity
        assertFalse(Urns.isKeyOf("urn:user_idx:1#GetUser", entity));
        assertFalse(Urns.isKeyOf("{app:user_id:1}#GetUser", entity));
        assertFalse(Urns.isKeyOf("{urn:user_id:2}#GetUser", entity));
        // not a key: no use case after the entity
        assertFalse(Urns.isKeyOf("urn:user_id:1", entity));
        assertFalse(Urns.isKeyOf("{urn:user_id:1}", entity));
        assertFalse(Urns.isKeyOf("urn:user_id:", entity));
    }
}
