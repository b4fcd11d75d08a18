package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.layers.Envelope;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** The SPIs: a per-use-case serializer (R14) and a config provider that fails (R3, R10 config_error). */
class PluggablesTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Bean.class, Upper.class, Flags.class, Framed.class,
            Frame.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Bean bean;

    @Test
    void aCustomSerializerWritesTheRemoteValue() {
        REDIS.flushAll();
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.custom("a")).isEqualTo("value-a");
            await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:a}#Custom") == 1);
            assertThat(bean.custom("a")).isEqualTo("value-a"); // read back through Upper
        }
        byte[] stored = REDIS.getBytes("{urn:k:a}#Custom");
        assertThat(new String(stored, Envelope.HEADER, stored.length - Envelope.HEADER, StandardCharsets.UTF_8))
                .isEqualTo("VALUE-A"); // after the envelope header
        assertThat(bean.calls).hasValue(1);
    }

    /** Named only in an annotation, so ArC would remove the bean and a bare instance would have no injections. */
    @Test
    void aSerializerThatIsABeanGetsItsInjections() {
        REDIS.flushAll();
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.framed("b")).isEqualTo("value-b");
            await().until(() -> (Long) REDIS.call("EXISTS", "{urn:k:b}#Framed") == 1);
        }
        byte[] stored = REDIS.getBytes("{urn:k:b}#Framed");
        assertThat(new String(stored, Envelope.HEADER, stored.length - Envelope.HEADER, StandardCharsets.UTF_8))
                .isEqualTo("[value-b]");
    }

    @Test
    void aFailingProviderSkipsTheLayerAndCountsAConfigError() {
        bean.calls.set(0);
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.flagged("f")).isEqualTo("f");
            assertThat(bean.flagged("f")).isEqualTo("f");
        }
        assertThat(bean.calls).hasValue(2); // LOCAL skipped both times
        var stats = runtime.useCase("Flagged").stats();
        assertThat(stats.disabledCount(StatLayer.LOCAL, DisabledReason.CONFIG_ERROR)).isEqualTo(2);
        assertThat(stats.errors(StatLayer.LOCAL, ErrorKind.CONFIG_PROVIDER)).isEqualTo(2);
    }

    /** Stores upper case, reads back lower case: visibly not JSON. */
    public static class Upper implements GCacheSerializer {
        @Override
        public byte[] serialize(Object value, Type type) {
            return ((String) value).toUpperCase().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object deserialize(byte[] bytes, Type type) {
            return new String(bytes, StandardCharsets.UTF_8).toLowerCase();
        }
    }

    @ApplicationScoped
    public static class Framed implements GCacheSerializer {
        @Inject
        Frame frame;

        @Override
        public byte[] serialize(Object value, Type type) {
            return (frame.open() + value + frame.close()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object deserialize(byte[] bytes, Type type) {
            String s = new String(bytes, StandardCharsets.UTF_8);
            return s.substring(frame.open().length(), s.length() - frame.close().length());
        }
    }

    @Singleton
    public static class Frame {
        String open() {
            return "[";
        }

        String close() {
            return "]";
        }
    }

    @Singleton
    public static class Flags implements GCacheConfigProvider {
        @Override
        public Integer ramp(String useCase, CacheLayer layer) {
            if (useCase.equals("Flagged")) {
                throw new IllegalStateException("flag service down");
            }
            return null;
        }

        @Override
        public Duration ttl(String useCase, CacheLayer layer) {
            return null;
        }
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "Custom", remoteTtl = "1m", remoteRamp = 100, serializer = Upper.class)
        public String custom(String id) {
            calls.incrementAndGet();
            return "value-" + id;
        }

        @GCached(keyType = "k", id = "id", useCase = "Framed", remoteTtl = "1m", remoteRamp = 100, serializer = Framed.class)
        public String framed(String id) {
            return "value-" + id;
        }

        @GCached(keyType = "k", id = "id", useCase = "Flagged", localTtl = "1m", localRamp = 100)
        public String flagged(String id) {
            calls.incrementAndGet();
            return id;
        }
    }
}
