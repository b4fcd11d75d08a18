package io.quarkiverse.gcache.runtime.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
