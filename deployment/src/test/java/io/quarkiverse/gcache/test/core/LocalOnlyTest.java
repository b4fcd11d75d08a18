package io.quarkiverse.gcache.test.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkus.test.QuarkusUnitTest;

/** No Redis client configured: LOCAL only, said once at startup, and REMOTE never attempted. */
class LocalOnlyTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bean.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .overrideConfigKey("quarkus.gcache.use-case.\"NotAUseCase\".local.ramp", "10")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.quarkiverse.gcache"))
            .assertLogRecords(records -> {
                assertThat(records).anyMatch(r -> r.getLevel().equals(Level.INFO)
                        && r.getMessage().contains("GCache runs LOCAL only: no Redis client is configured"));
                assertThat(records).anyMatch(r -> r.getLevel().equals(Level.WARNING)
                        && String.valueOf(r.getParameters()[0]).contains("NotAUseCase")
                        && String.valueOf(r.getParameters()[1]).contains("LocalOnlyGet"));
            });

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Bean bean;

    @Test
    void withoutOpenTelemetryNoTracingBeanExists() {
        // R16: the build registers the tracing bean only with the OpenTelemetry tracer capability; calls then use
        // a no-op
        assertThat(io.quarkus.arc.Arc.container().select(io.quarkiverse.gcache.runtime.tracing.Tracing.class)
                .isResolvable()).isFalse();
    }

    @Test
    void cachesLocallyWithoutRedis() {
        assertThat(runtime.remote()).isNull();
        try (GCache.Scope scope = gcache.enable()) {
            assertThat(bean.get("1")).isEqualTo("v1");
            assertThat(bean.get("1")).isEqualTo("v1");
        }
        assertThat(bean.calls).hasValue(1);
        assertThat(runtime.useCase("LocalOnlyGet").stats().requests(StatLayer.REMOTE)).isZero();

        // without Redis, invalidation is local-only and reports success (R8)
        assertThat(gcache.invalidate("k", "1")).isTrue();
        try (GCache.Scope scope = gcache.enable()) {
            bean.get("1");
        }
        assertThat(bean.calls).hasValue(2);
        gcache.flushAll();
        assertThat(runtime.useCase("LocalOnlyGet").localLayer().size()).isZero();
    }

    @Singleton
    public static class Bean {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "k", id = "id", useCase = "LocalOnlyGet", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return "v" + id;
        }
    }
}
