package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.layers.Envelope;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.MissReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Hostile values in Redis (reference rules R14, R14a, R14b): each is a counted miss, is never instantiated as
 * anything but the declared type, and is replaced by the method's value (or deleted, when oversize).
 */
class HostileValuesTest {

    static final int MAX_VALUE_SIZE = 64 * 1024;

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class, Evil.class)
            .overrideConfigKey("quarkus.gcache.remote.max-value-size", String.valueOf(MAX_VALUE_SIZE));

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    /** A class a forged value names; it must never be instantiated. */
    public static class Evil {
        static final AtomicInteger INSTANCES = new AtomicInteger();

        public Evil() {
            INSTANCES.incrementAndGet();
        }
    }

    @BeforeEach
    void clean() {
        REDIS.flushAll();
    }

    long serverMillis() {
        @SuppressWarnings("unchecked")
        var time = (java.util.List<String>) REDIS.call("TIME");
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    byte[] envelope(long createdAt, long shape, String json) {
        return Envelope.wrap(createdAt, shape, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Stores {@code stored} under the key of {@code id}, reads it through the cache and checks what happened. */
    void hostile(String useCase, String id, byte[] stored, Supplier<Object> read, Object expected, MissReason reason,
            ErrorKind error) {
        UseCase uc = runtime.useCase(useCase);
        String key = "{urn:item:" + id + "}#" + useCase;
        REDIS.setBytes(key, stored);
        // an entity invalidated long ago: without a watermark no value is trusted as it stands (R25), and a forged
        // one would be a plain stale miss before any of the checks under test
        REDIS.call("SET", "{urn:item:" + id + "}#watermark", "1");
        long misses = uc.stats().misses(StatLayer.REMOTE, reason);
        long errors = error == null ? 0 : uc.stats().errors(StatLayer.REMOTE, error);
        int reads = catalog.reads.get();
        Object value;
        try (GCache.Scope scope = gcache.enable()) {
            value = read.get();
        }
        assertThat(value).as(useCase + " value").isEqualTo(expected);
        assertThat(catalog.reads.get()).as("the method ran").isEqualTo(reads + 1);
        assertThat(uc.stats().misses(StatLayer.REMOTE, reason)).as("miss reason " + reason).isEqualTo(misses + 1);
        if (error != null) {
            assertThat(uc.stats().errors(StatLayer.REMOTE, error)).as("error " + error).isEqualTo(errors + 1);
        }
        // replaced by a well-formed value of today's shape, dated by the server's clock
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            byte[] now = REDIS.getBytes(key);
            assertThat(now).isNotNull().isNotEqualTo(stored);
            assertThat(Envelope.hasShape(now, uc.shape())).isTrue();
            assertThat(Envelope.createdAt(now)).isLessThanOrEqualTo(serverMillis());
        });
        // and served from REMOTE from then on
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(read.get()).isEqualTo(expected);
        }
        assertThat(catalog.reads.get()).isEqualTo(reads + 1);
    }

    @Test
    void randomBytesAreCorrupt() {
        byte[] random = new byte[200];
        new Random(7).nextBytes(random);
        random[0] = 'x';
        hostile("RemoteOnly", "r1", random, () -> catalog.remoteOnly("r1"), "name-r1", MissReason.ERROR, ErrorKind.CORRUPT);
    }

    @Test
    void aTruncatedEnvelopeIsCorrupt() {
        byte[] whole = envelope(serverMillis(), runtime.useCase("RemoteOnly").shape(), "\"forged\"");
        hostile("RemoteOnly", "r2", Arrays.copyOf(whole, 12), () -> catalog.remoteOnly("r2"), "name-r2",
                MissReason.ERROR, ErrorKind.CORRUPT);
    }

    @Test
    void anUnknownFormatVersionIsCorrupt() {
        byte[] value = envelope(serverMillis(), runtime.useCase("RemoteOnly").shape(), "\"forged\"");
        value[1] = 9;
        hostile("RemoteOnly", "r3", value, () -> catalog.remoteOnly("r3"), "name-r3", MissReason.ERROR, ErrorKind.CORRUPT);
    }

    @Test
    void aValueDatedInTheFutureIsCorrupt() {
        byte[] value = envelope(serverMillis() + 3_600_000, runtime.useCase("RemoteOnly").shape(), "\"forged\"");
        hostile("RemoteOnly", "r4", value, () -> catalog.remoteOnly("r4"), "name-r4", MissReason.ERROR, ErrorKind.CORRUPT);
    }

    @Test
    void jsonOfAnotherTypeIsAnError() {
        byte[] value = envelope(serverMillis(), runtime.useCase("RemoteOnly").shape(), "{\"name\":\"forged\"}");
        hostile("RemoteOnly", "r5", value, () -> catalog.remoteOnly("r5"), "name-r5", MissReason.ERROR,
                ErrorKind.SERIALIZATION);
    }

    /** The deploy case of R14b: the class changed shape, so yesterday's values are of another fingerprint. */
    @Test
    void aValueOfAnotherShapeIsASchemaMissNotAnError() {
        long errors = runtime.useCase("Profile").stats().errors(StatLayer.REMOTE);
        byte[] value = envelope(serverMillis(), runtime.useCase("Profile").shape() + 1, "{\"title\":\"forged\"}");
        hostile("Profile", "p1", value, () -> catalog.profile("p1"), new Catalog.Profile("p1", "name-p1"),
                MissReason.SCHEMA, null);
        assertThat(runtime.useCase("Profile").stats().errors(StatLayer.REMOTE)).isEqualTo(errors);
    }

    @Test
    void aValueOfTheFormatBeforeFingerprintsIsASchemaMiss() {
        byte[] payload = "{\"id\":\"p2\",\"name\":\"old\"}".getBytes(StandardCharsets.UTF_8);
        byte[] v1 = ByteBuffer.allocate(10 + payload.length).put((byte) 'G').put((byte) 1).putLong(serverMillis())
                .put(payload).array();
        hostile("Profile", "p2", v1, () -> catalog.profile("p2"), new Catalog.Profile("p2", "name-p2"),
                MissReason.SCHEMA, null);
    }

    /** Type information in the stored bytes is never used (R14): a polymorphic wrapper is just malformed. */
    @Test
    void jsonNamingAClassIsNeverInstantiated() {
        String evil = Evil.class.getName();
        byte[] wrapper = envelope(serverMillis(), runtime.useCase("Profile").shape(),
                "[\"" + evil + "\",{\"id\":\"p3\",\"name\":\"forged\"}]");
        hostile("Profile", "p3", wrapper, () -> catalog.profile("p3"), new Catalog.Profile("p3", "name-p3"),
                MissReason.ERROR, ErrorKind.SERIALIZATION);

        // a class-naming property is ignored: the declared type is what is built, and nothing else
        String key = "{urn:item:p4}#Profile";
        REDIS.setBytes(key, envelope(serverMillis(), runtime.useCase("Profile").shape(),
                "{\"@class\":\"" + evil + "\",\"id\":\"p4\",\"name\":\"name-p4\"}"));
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(catalog.profile("p4")).isInstanceOf(Catalog.Profile.class);
        }
        assertThat(Evil.INSTANCES).hasValue(0);
    }

    /** R14a: an oversize value found on a read is deleted at once, so it costs one read, not every read. */
    @Test
    void anOversizeValueIsDeletedOnItsFirstRead() {
        UseCase uc = runtime.useCase("RemoteOnly");
        String key = "{urn:item:r6}#RemoteOnly";
        byte[] huge = envelope(serverMillis(), uc.shape(), "\"" + "y".repeat(4 * 1024 * 1024) + "\"");
        REDIS.setBytes(key, huge);
        long errors = uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE);
        long t0 = System.nanoTime();
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(catalog.remoteOnly("r6")).isEqualTo("name-r6");
        }
        System.out.printf("GCACHE hostile: a read of a 4 MiB value (max %d bytes) took %.1f ms and deleted it%n",
                MAX_VALUE_SIZE, (System.nanoTime() - t0) / 1e6);
        assertThat(uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE)).isEqualTo(errors + 1);
        assertThat(uc.stats().errors(StatLayer.REMOTE, ErrorKind.REDIS)).as("no timeout").isZero();
        // replaced by the method's (small) value
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(REDIS.getBytes(key)).hasSizeLessThan(100));
    }

    /** R14a: a value over the limit is never written; the caller still gets it. */
    @Test
    void anOversizeResultIsNotWritten() {
        UseCase uc = runtime.useCase("Big");
        long errors = uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(catalog.big("b1", MAX_VALUE_SIZE + 1)).hasSize(MAX_VALUE_SIZE + 1);
            assertThat(catalog.big("b2", 100)).hasSize(100);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> REDIS.getBytes("{urn:item:b2}?size=100#Big") != null);
        assertThat(REDIS.getBytes("{urn:item:b1}?size=" + (MAX_VALUE_SIZE + 1) + "#Big")).isNull();
        assertThat(uc.stats().errors(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE)).isEqualTo(errors + 1);
    }
}
