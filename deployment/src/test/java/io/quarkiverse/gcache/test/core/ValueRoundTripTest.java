package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow.Result;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * R31: the value types the build accepts for a use case that can use REMOTE build and come back from REMOTE as what
 * was stored: JDK collections of JDK types, records, enums, interfaces with Jackson type information, anything with a
 * custom serializer; zone-carrying dates keep their zone, so shadow verification sees REMOTE hits as matches. A
 * value type that cannot round-trip, in a use case the build saw without REMOTE, keeps REMOTE off whatever an
 * override says.
 */
class ValueRoundTripTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Values.class, Shape.class, Circle.class, Square.class,
            Point.class, Color.class, Opaque.class, ToStringSerializer.class)
            .overrideConfigKey("quarkus.gcache.use-case.\"ZonedShadow\".shadow.ramp", "100")
            .overrideConfigKey("quarkus.gcache.use-case.\"OffsetShadow\".shadow.ramp", "100");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Values values;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        values.calls.set(0);
    }

    <T> T enabled(Supplier<T> call) {
        try (GCache.Scope scope = gcache.enable()) {
            return call.get();
        }
    }

    /** Every use case below is REMOTE only: a second call is served by REMOTE, read back with the declared type. */
    <T> T twice(Supplier<T> call) {
        REDIS.flushAll();
        values.calls.set(0);
        T first = enabled(call);
        awaitStored();
        T second = enabled(call);
        assertThat(values.calls).as("the second call is a REMOTE hit").hasValue(1);
        assertThat(second).isEqualTo(first);
        return second;
    }

    @Test
    void zonedDatesKeepTheirZone() {
        ZonedDateTime zoned = twice(() -> values.zoned("1"));
        assertThat(zoned.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(zoned).isEqualTo(Values.ZONED);
        assertThat(twice(() -> values.offset("1"))).isEqualTo(Values.OFFSET);
    }

    /** The value is in REMOTE (its write is fire-and-forget; a lease key may come first). */
    private static void awaitStored() {
        await().until(() -> REDIS.keys().stream().anyMatch(k -> !k.endsWith("#lease")));
    }

    /** The shadow run compares the fresh value with the REMOTE one: same zone, same bytes, a match. */
    @Test
    void shadowVerificationOfZonedDatesMatches() {
        for (String useCase : List.of("ZonedShadow", "OffsetShadow")) {
            REDIS.flushAll();
            var shadow = runtime.useCase(useCase).shadow();
            long mismatches = shadow.count(StatLayer.REMOTE, Result.MISMATCH);
            long matches = shadow.count(StatLayer.REMOTE, Result.MATCH);
            Supplier<Object> call = useCase.equals("ZonedShadow") ? () -> values.zonedShadow("2")
                    : () -> values.offsetShadow("2");
            enabled(call);
            awaitStored();
            enabled(call); // a REMOTE hit, verified
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> shadow.count(StatLayer.REMOTE, Result.MATCH) + shadow.count(StatLayer.REMOTE,
                            Result.MISMATCH) > matches + mismatches);
            assertThat(shadow.count(StatLayer.REMOTE, Result.MISMATCH)).as(useCase).isEqualTo(mismatches);
            assertThat(shadow.count(StatLayer.REMOTE, Result.MATCH)).as(useCase).isEqualTo(matches + 1);
        }
    }

    @Test
    void acceptedValueTypesRoundTrip() {
        assertThat(twice(() -> values.strings("1"))).containsExactly("a", "b");
        assertThat(twice(() -> values.counts("2"))).containsEntry("a", 1L);
        assertThat(twice(() -> values.point("3"))).contains(new Point(1, 2));
        assertThat(twice(() -> values.color("4"))).isEqualTo(Color.RED);
        assertThat(twice(() -> values.array("5"))).containsExactly(1, 2);
        values.calls.set(0);
        // an interface with type information comes back as the class that was stored
        assertThat(twice(() -> values.shapes("6").await().indefinitely())).containsExactly(new Circle(1), new Square(2));
        assertThat(twice(() -> values.opaque("7"))).isEqualTo(new Opaque("x"));
    }

    /**
     * {@code Object} in a use case without REMOTE builds; an override that turns REMOTE on does not make it write or
     * read Redis (its values could not come back as they were).
     */
    @Test
    void anUncheckedLocalOnlyUseCaseKeepsRemoteOff() {
        gcache.control().override("LocalObject", CacheLayer.REMOTE, Duration.ofMinutes(1), 100);
        try {
            assertThat(enabled(() -> values.localObject("8"))).isEqualTo(new Circle(3));
            assertThat(enabled(() -> values.localObject("8"))).isEqualTo(new Circle(3));
            assertThat(values.calls).as("a LOCAL hit").hasValue(1);
            assertThat(runtime.useCase("LocalObject").remoteRefused()).contains("java.lang.Object");
            assertThat(runtime.useCase("LocalObject").stats().requests(StatLayer.REMOTE)).isZero();
            assertThat(REDIS.keys()).noneMatch(k -> k.contains("LocalObject"));
        } finally {
            gcache.control().clearOverride("LocalObject", CacheLayer.REMOTE);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({ @JsonSubTypes.Type(value = Circle.class, name = "circle"),
            @JsonSubTypes.Type(value = Square.class, name = "square") })
    public interface Shape {
    }

    public record Circle(int r) implements Shape {
    }

    public record Square(int side) implements Shape {
    }

    public record Point(int x, int y) {
    }

    public enum Color {
        RED
    }

    /** Not JSON at all: only its serializer knows it. */
    public static final class Opaque {
        final String text;

        public Opaque(String text) {
            this.text = text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque other && other.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }

    public static class ToStringSerializer implements GCacheSerializer {
        @Override
        public byte[] serialize(Object value, Type type) {
            return ((Opaque) value).text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object deserialize(byte[] bytes, Type type) {
            return new Opaque(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Singleton
    public static class Values {
        static final ZonedDateTime ZONED = ZonedDateTime.of(LocalDateTime.of(2024, 3, 30, 10, 15), ZoneId.of("Europe/Paris"));
        static final OffsetDateTime OFFSET = OffsetDateTime.of(LocalDateTime.of(2024, 1, 1, 10, 0),
                ZoneOffset.ofHoursMinutes(5, 30));

        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "Zoned", remoteTtl = "1m", remoteRamp = 100)
        public ZonedDateTime zoned(String id) {
            calls.incrementAndGet();
            return ZONED;
        }

        @GCached(keyType = "k", id = "id", useCase = "Offset", remoteTtl = "1m", remoteRamp = 100)
        public OffsetDateTime offset(String id) {
            calls.incrementAndGet();
            return OFFSET;
        }

        @GCached(keyType = "k", id = "id", useCase = "ZonedShadow", remoteTtl = "1m", remoteRamp = 100)
        public ZonedDateTime zonedShadow(String id) {
            return ZONED;
        }

        @GCached(keyType = "k", id = "id", useCase = "OffsetShadow", remoteTtl = "1m", remoteRamp = 100)
        public OffsetDateTime offsetShadow(String id) {
            return OFFSET;
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public List<String> strings(String id) {
            calls.incrementAndGet();
            return List.of("a", "b");
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public Map<String, Long> counts(String id) {
            calls.incrementAndGet();
            return Map.of("a", 1L);
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public Optional<Point> point(String id) {
            calls.incrementAndGet();
            return Optional.of(new Point(1, 2));
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public Color color(String id) {
            calls.incrementAndGet();
            return Color.RED;
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public int[] array(String id) {
            calls.incrementAndGet();
            return new int[] { 1, 2 };
        }

        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public Uni<List<Shape>> shapes(String id) {
            calls.incrementAndGet();
            return Uni.createFrom().item(List.of(new Circle(1), new Square(2)));
        }

        /** Declared Object, but the serializer is the application's: not checked. */
        @GCached(keyType = "k", id = "id", remoteTtl = "1m", remoteRamp = 100, serializer = ToStringSerializer.class)
        public Object opaque(String id) {
            calls.incrementAndGet();
            return new Opaque("x");
        }

        @GCached(keyType = "k", id = "id", useCase = "LocalObject", localTtl = "1m", localRamp = 100)
        public Object localObject(String id) {
            calls.incrementAndGet();
            return new Circle(3);
        }
    }
}
