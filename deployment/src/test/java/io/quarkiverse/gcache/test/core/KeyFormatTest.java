package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheArg;
import io.quarkiverse.gcache.GCacheId;
import io.quarkiverse.gcache.GCacheIgnore;
import io.quarkiverse.gcache.GCacheKeyAdapter;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** R4/R5: the exact key strings found in Redis for a table of method shapes and inputs. */
class KeyFormatTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Keys.class, User.class, Account.class, Filters.class,
            FiltersKey.class, Order.class, JoinedKey.class, Separator.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    Keys keys;
    @Inject
    GCacheRuntime runtime;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
    }

    @Test
    void plainId() {
        assertKey(() -> keys.plain("123"), "{urn:user_id:123}#GetUser");
    }

    @Test
    void argsSortedByNameWithoutTheIdParameter() {
        assertKey(() -> keys.posts("7", 2, "asc", true), "{urn:user_id:7}?newest=true&order=asc&page=2#GetUserPosts");
    }

    @Test
    void ignoredParametersAreLeftOut() {
        assertKey(() -> keys.ignored("7", new Object(), 3), "{urn:user_id:7}?page=3#Ignored");
    }

    @Test
    void propertyPathIdThroughARecordAccessor() {
        assertKey(() -> keys.byUser(new User("42", "Ann"), 1), "{urn:user_id:42}?page=1#ByUser");
    }

    @Test
    void gcacheIdWithAGetterPath() {
        assertKey(() -> keys.byAccount(new Account(99L), Order.NEWEST), "{urn:account_id:99}?order=NEWEST#ByAccount");
    }

    @Test
    void adapterTurnsAParameterIntoItsKeyString() {
        assertKey(() -> keys.search("5", new Filters("b", "a")), "{urn:user_id:5}?filters=a|b#Search");
    }

    /** Named only in an annotation, so ArC would remove the bean and a bare instance would have no injections. */
    @Test
    void anAdapterThatIsABeanGetsItsInjections() {
        assertKey(() -> keys.joined("5", new Filters("b", "a")), "{urn:user_id:5}?filters=a-b#Joined");
    }

    /** R13 accepts JDK enums and JDK classes declaring toString, which the application's index does not hold. */
    @Test
    void jdkTypesOutsideTheIndexHaveAStableForm() {
        assertKey(() -> keys.jdk("3", java.util.concurrent.TimeUnit.SECONDS, java.util.Locale.UK,
                java.util.Optional.of(2)), "{urn:user_id:3}?locale=en_GB&page=Optional[2]&unit=SECONDS#Jdk");
    }

    @Test
    void untrackedKeysHaveNoHashTag() {
        assertKey(() -> keys.untracked("9"), "urn:user_id:9#Untracked");
    }

    @Test
    void uuidIds() {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertKey(() -> keys.uuid(id), "{urn:uuid:123e4567-e89b-12d3-a456-426614174000}#Uuid");
    }

    @Test
    void reservedCharactersAreEscapedInIdsAndArgs() {
        assertKey(() -> keys.posts("a:b?c#d&e=f{g}h%i", 1, "x=y&z", false),
                "{urn:user_id:a%3Ab%3Fc%23d%26e%3Df%7Bg%7Dh%25i}?newest=false&order=x%3Dy%26z&page=1#GetUserPosts");
    }

    @Test
    void controlCharactersAreEscapedAndNonAsciiIsKept() {
        assertKey(() -> keys.plain("é\n日\u0000"), "{urn:user_id:é%0A日%00}#GetUser");
    }

    @Test
    void anIdThatLooksLikeAnotherEntityCannotReachIt() {
        assertKey(() -> keys.plain("1:2"), "{urn:user_id:1%3A2}#GetUser");
    }

    @Test
    void aFailingAdapterFallsBackToTheMethodAndCountsAnError() {
        long errors = runtime.useCase("Search").stats().errors(StatLayer.GLOBAL);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(keys.search("6", new Filters("explode"))).isEqualTo("6");
        }
        assertThat(runtime.useCase("Search").stats().errors(StatLayer.GLOBAL)).isEqualTo(errors + 1);
        assertThat(REDIS.keys()).isEmpty();
    }

    private void assertKey(Runnable call, String expected) {
        try (GCache.Scope scope = gcache.enable()) {
            call.run();
        }
        // the value's key; a tracked key's entity also gets its watermark on the first read (R25)
        await().untilAsserted(
                () -> assertThat(REDIS.keys().stream().filter(k -> !k.endsWith("#watermark"))).containsExactly(expected));
    }

    public record User(String id, String name) {
    }

    public static class Account {
        private final long id;

        public Account(long id) {
            this.id = id;
        }

        public long getId() {
            return id;
        }
    }

    public enum Order {
        NEWEST,
        OLDEST
    }

    public static class Filters {
        final String[] values;

        public Filters(String... values) {
            this.values = values;
        }
    }

    public static class FiltersKey implements GCacheKeyAdapter<Filters> {
        @Override
        public String toKey(Filters f) {
            if (f.values[0].equals("explode")) {
                throw new IllegalArgumentException("cannot key " + f.values[0]);
            }
            return String.join("|", java.util.Arrays.stream(f.values).sorted().toList());
        }
    }

    @ApplicationScoped
    public static class JoinedKey implements GCacheKeyAdapter<Filters> {
        @Inject
        Separator separator;

        @Override
        public String toKey(Filters f) {
            return String.join(separator.value(), java.util.Arrays.stream(f.values).sorted().toList());
        }
    }

    @Singleton
    public static class Separator {
        String value() {
            return "-";
        }
    }

    /** REMOTE only, so every key is visible in Redis. */
    @Singleton
    public static class Keys {
        @GCached(keyType = "user_id", id = "id", useCase = "GetUser", remoteTtl = "1m", remoteRamp = 100)
        public String plain(String id) {
            return id;
        }

        @GCached(keyType = "user_id", id = "userId", useCase = "GetUserPosts", remoteTtl = "1m", remoteRamp = 100)
        public String posts(String userId, int page, String order, boolean newest) {
            return userId;
        }

        @GCached(keyType = "user_id", id = "userId", useCase = "Ignored", remoteTtl = "1m", remoteRamp = 100)
        public String ignored(String userId, @GCacheIgnore Object session, int page) {
            return userId;
        }

        @GCached(keyType = "user_id", id = "user.id", useCase = "ByUser", remoteTtl = "1m", remoteRamp = 100)
        public String byUser(User user, int page) {
            return user.name();
        }

        @GCached(keyType = "account_id", useCase = "ByAccount", remoteTtl = "1m", remoteRamp = 100)
        public String byAccount(@GCacheId("id") Account account, Order order) {
            return "a";
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Search", remoteTtl = "1m", remoteRamp = 100)
        public String search(String id, @GCacheArg(adapter = FiltersKey.class) Filters filters) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Joined", remoteTtl = "1m", remoteRamp = 100)
        public String joined(String id, @GCacheArg(adapter = JoinedKey.class) Filters filters) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Jdk", remoteTtl = "1m", remoteRamp = 100)
        public String jdk(String id, java.util.concurrent.TimeUnit unit, java.util.Locale locale,
                java.util.Optional<Integer> page) {
            return id;
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Untracked", remoteTtl = "1m", remoteRamp = 100, trackForInvalidation = false)
        public String untracked(String id) {
            return id;
        }

        @GCached(keyType = "uuid", id = "id", useCase = "Uuid", remoteTtl = "1m", remoteRamp = 100)
        public String uuid(UUID id) {
            return id.toString();
        }
    }
}
