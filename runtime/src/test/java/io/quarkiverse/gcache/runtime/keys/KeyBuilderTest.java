package io.quarkiverse.gcache.runtime.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkiverse.gcache.GCacheKeyAdapter;

/** Reference R4, R5: the full key of a call, and the local key LOCAL uses in its place. */
class KeyBuilderTest {

    @SuppressWarnings("unchecked")
    static KeyBuilder builder(boolean tracked, String... args) {
        int[] indexes = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            indexes[i] = i + 1;
        }
        return new KeyBuilder("urn", "user_id", tracked, new ParameterIdExtractor(0), args, indexes,
                new GCacheKeyAdapter[args.length], "Users.find");
    }

    @Test
    void withoutArgumentsTheLocalKeyIsTheEscapedIdAndACleanStringIdIsNotCopied() {
        KeyBuilder keys = builder(true);
        String id = new String("42"); // a distinct instance: the key must be this one, not a copy
        String local = keys.localKey(new Object[] { id });
        assertThat(local).isSameAs(id);
        assertThat(keys.fullKey(local)).isEqualTo("{urn:user_id:42}#Users.find");
        assertThat(KeyBuilder.idLength(local)).isEqualTo(local.length());
        assertThat(keys.keyIsId()).isTrue();
        assertThat(keys.localKey(new Object[] { "a:b?c" })).isEqualTo("a%3Ab%3Fc");
        assertThat(keys.build(new Object[] { "a:b?c" })).isEqualTo("{urn:user_id:a%3Ab%3Fc}#Users.find");
    }

    @Test
    void withArgumentsTheLocalKeyIsTheIdThenTheArgumentsAndTheFullKeyPutsTheEntityAroundTheId() {
        KeyBuilder keys = builder(true, "page", "size");
        String local = keys.localKey(new Object[] { "7?", 2, 50 });
        assertThat(local).isEqualTo("7%3F?page=2&size=50");
        assertThat(keys.fullKey(local)).isEqualTo("{urn:user_id:7%3F}?page=2&size=50#Users.find");
        assertThat(local.substring(0, KeyBuilder.idLength(local))).isEqualTo("7%3F");
        assertThat(keys.keyIsId()).isFalse();
    }

    @Test
    void untrackedKeysHaveNoHashTagInEitherForm() {
        KeyBuilder idOnly = builder(false);
        assertThat(idOnly.fullKey(idOnly.localKey(new Object[] { "7" }))).isEqualTo("urn:user_id:7#Users.find");
        KeyBuilder withArgs = builder(false, "page");
        assertThat(withArgs.fullKey(withArgs.localKey(new Object[] { "7", 1 }))).isEqualTo("urn:user_id:7?page=1#Users.find");
    }

    @Test
    void aFullKeyOfTheUseCaseMapsBackToItsLocalKeyAndOtherKeysToNull() {
        for (boolean tracked : new boolean[] { true, false }) {
            KeyBuilder idOnly = builder(tracked);
            KeyBuilder withArgs = builder(tracked, "page");
            for (Object[] call : new Object[][] { { "7", 1 }, { "a:b?c", "x&y=z" }, { "", "" } }) {
                String local = idOnly.localKey(call);
                assertThat(idOnly.localKeyOf(idOnly.fullKey(local))).isEqualTo(local);
                String localWithArgs = withArgs.localKey(call);
                assertThat(withArgs.localKeyOf(withArgs.fullKey(localWithArgs))).isEqualTo(localWithArgs);
                // a key of the other shape, or of another use case, is not one of this use case's keys
                assertThat(idOnly.localKeyOf(withArgs.fullKey(localWithArgs))).isNull();
                assertThat(withArgs.localKeyOf(idOnly.fullKey(local))).isNull();
            }
            assertThat(idOnly.localKeyOf("{urn:user_id:7}#Other")).isNull();
        }
    }
}
