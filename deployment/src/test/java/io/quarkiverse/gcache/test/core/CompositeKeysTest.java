package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R30 against a real (private) Redis: record, collection and map key arguments are keyed component by component, so
 * callers whose arguments print alike get their own values; an argument too long for a key makes the call bypass the
 * cache (counted {@code disabled{reason=key_too_long}}, nothing stored).
 */
class CompositeKeysTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Searches.class, Filters.class, Query.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Searches searches;
    @Inject
    MeterRegistry registry;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        searches.calls.set(0);
    }

    /** The value keys in Redis; a tracked entity's watermark is created by its reads too (R25). */
    static List<String> valueKeys() {
        return REDIS.keys().stream().filter(k -> !k.endsWith("#watermark")).toList();
    }

    <T> T enabled(Supplier<T> call) {
        try (GCache.Scope scope = gcache.enable()) {
            return call.get();
        }
    }

    @Test
    void recordsThatPrintAlikeGetTheirOwnValues() {
        Filters a = new Filters("a, city=b", "c");
        Filters b = new Filters("a", "b, city=c");
        assertThat(a).hasToString(b.toString()); // what the keys were made of before R30

        assertThat(enabled(() -> searches.search("7", a))).isEqualTo("a, city=b|c");
        assertThat(enabled(() -> searches.search("7", b))).as("b must not get a's value").isEqualTo("a|b, city=c");
        assertThat(searches.calls).hasValue(2);
        await().untilAsserted(() -> assertThat(valueKeys()).containsExactlyInAnyOrder(
                "{urn:user_id:7}?filters=(city!c,name!a%2C city%3Db)#Search",
                "{urn:user_id:7}?filters=(city!b%2C city%3Dc,name!a)#Search"));

        // from LOCAL, then from REMOTE: each caller still gets its own value
        assertThat(enabled(() -> searches.search("7", a))).isEqualTo("a, city=b|c");
        assertThat(enabled(() -> searches.search("7", b))).isEqualTo("a|b, city=c");
        runtime.useCase("Search").localLayer().clear();
        assertThat(enabled(() -> searches.search("7", b))).isEqualTo("a|b, city=c");
        assertThat(enabled(() -> searches.search("7", a))).isEqualTo("a, city=b|c");
        assertThat(searches.calls).hasValue(2);
    }

    @Test
    void nestedRecordsListsSetsAndMapsAreKeyedByTheirContent() {
        Query q = new Query(new Filters("x", null), List.of("a,b"));
        Query other = new Query(new Filters("x", null), List.of("a", "b"));
        Set<String> tags = new LinkedHashSet<>(List.of("red", "blue"));
        Set<String> sameTags = new HashSet<>(List.of("blue", "red"));
        Map<String, Integer> extra = new LinkedHashMap<>(Map.of("z", 1));
        extra.put("a", 2);

        assertThat(enabled(() -> searches.query("7", q, tags, extra))).isEqualTo("x|null|[a,b]|2");
        assertThat(enabled(() -> searches.query("7", other, tags, extra))).isEqualTo("x|null|[a, b]|2");
        assertThat(searches.calls).hasValue(2);
        // the same set in another order, the same map in another order: the same key, a hit
        assertThat(enabled(() -> searches.query("7", q, sameTags, new TreeMap<>(extra)))).isEqualTo("x|null|[a,b]|2");
        assertThat(searches.calls).hasValue(2);
        await().untilAsserted(() -> assertThat(valueKeys()).containsExactlyInAnyOrder(
                "{urn:user_id:7}?extra=[a!2,z!1]&query=(filters!(city!~,name!x),sort![a%2Cb])&tags=[blue,red]#Query",
                "{urn:user_id:7}?extra=[a!2,z!1]&query=(filters!(city!~,name!x),sort![a,b])&tags=[blue,red]#Query"));
    }

    @Test
    void anArgumentTooLongForAKeyBypassesTheCache() {
        long errors = runtime.useCase("Search").stats().errors(StatLayer.GLOBAL);
        Filters longest = new Filters("x".repeat(512 - "(city!c,name!)".length()), "c");
        Filters tooLong = new Filters("x".repeat(512 - "(city!c,name!)".length() + 1), "c");

        for (int i = 0; i < 3; i++) {
            assertThat(enabled(() -> searches.search("7", tooLong))).isEqualTo(tooLong.name() + "|c");
        }
        assertThat(searches.calls).as("the method runs on every call").hasValue(3);
        assertThat(runtime.useCase("Search").localKeys()).isEmpty();
        for (StatLayer layer : new StatLayer[] { StatLayer.LOCAL, StatLayer.REMOTE }) {
            assertThat(runtime.useCase("Search").stats().disabledCount(layer, DisabledReason.KEY_TOO_LONG)).isEqualTo(3);
            assertThat(registry.get("gcache.disabled").tags("use_case", "Search", "layer", layer.name(), "reason",
                    "key_too_long").functionCounter().count()).isEqualTo(3.0);
        }
        assertThat(runtime.useCase("Search").stats().errors(StatLayer.GLOBAL)).as("not a key-building error")
                .isEqualTo(errors);

        // at the limit, the value is cached as usual; the bypassed calls wrote nothing
        enabled(() -> searches.search("7", longest));
        enabled(() -> searches.search("7", longest));
        assertThat(searches.calls).hasValue(4);
        await().untilAsserted(() -> assertThat(valueKeys()).hasSize(1).allMatch(k -> k.contains("name!xxx")));
        assertThat(runtime.useCase("Search").localKeys()).hasSize(1);
    }

    public record Filters(String name, String city) {
    }

    public record Query(Filters filters, List<String> sort) {
    }

    @Singleton
    public static class Searches {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "Search", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String search(String id, Filters filters) {
            calls.incrementAndGet();
            return filters.name() + "|" + filters.city();
        }

        @GCached(keyType = "user_id", id = "id", useCase = "Query", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String query(String id, Query query, Set<String> tags, Map<String, Integer> extra) {
            calls.incrementAndGet();
            return query.filters().name() + "|" + query.filters().city() + "|" + query.sort() + "|" + extra.size();
        }
    }
}
