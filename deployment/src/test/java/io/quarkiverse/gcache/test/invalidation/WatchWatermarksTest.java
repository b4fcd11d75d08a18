package io.quarkiverse.gcache.test.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R17, {@code invalidation.watch-watermarks}: a watermark written by another writer that publishes nothing (Python
 * gcache: {@code SETEX {urn:user_id:3}#watermark 14400 <epoch ms>}) drops this instance's LOCAL entries of the
 * entity, through Redis keyspace notifications.
 */
class WatchWatermarksTest {

    /** Keyspace notifications of string commands, on before the application starts. */
    static final PrivateRedis REDIS = keyspaceEvents("K$");

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Profiles.class, Profiles.Update.class)
            .overrideConfigKey("quarkus.gcache.invalidation.watch-watermarks", "true");

    @Inject
    GCache gcache;
    @Inject
    Profiles profiles;

    static PrivateRedis keyspaceEvents(String flags) {
        PrivateRedis redis = PrivateRedis.shared();
        redis.call("CONFIG", "SET", "notify-keyspace-events", flags);
        return redis;
    }

    String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return profiles.get(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWatermarkWrittenLikePythonGcacheDropsLocalEntries() {
        profiles.source.put("41", "old");
        assertThat(read("41")).isEqualTo("old");
        int reads = profiles.reads.get();
        assertThat(read("41")).isEqualTo("old"); // from LOCAL (5 min TTL)
        assertThat(profiles.reads).hasValue(reads);

        profiles.source.put("41", "new"); // changed by a Python service, which then invalidates the gcache way:
        @SuppressWarnings("unchecked")
        List<String> time = (List<String>) REDIS.call("TIME");
        long nowMillis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        REDIS.call("SETEX", "{urn:user_id:41}#watermark", "14400", String.valueOf(nowMillis));

        await().atMost(Duration.ofSeconds(2)).until(() -> read("41").equals("new"));
    }
}
