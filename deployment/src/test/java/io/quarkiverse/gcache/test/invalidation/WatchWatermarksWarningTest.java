package io.quarkiverse.gcache.test.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/** R17: with watch-watermarks on and keyspace notifications off, startup says exactly what to set. */
class WatchWatermarksWarningTest {

    static final PrivateRedis REDIS = WatchWatermarksTest.keyspaceEvents("");

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Profiles.class, Profiles.Update.class, WatchWatermarksTest.class)
            .overrideConfigKey("quarkus.gcache.invalidation.watch-watermarks", "true")
            .setLogRecordPredicate(r -> "io.quarkiverse.gcache".equals(r.getLoggerName()))
            .assertLogRecords(records -> assertThat(records).anyMatch(r -> r.getMessage().contains("watch-watermarks")
                    && r.getParameters() != null && r.getParameters().length == 2
                    && "K$".equals(String.valueOf(r.getParameters()[1]))));

    @Test
    void startsAndWarns() {
        // the log assertion above runs when the application stops
        assertThat(REDIS.call("CONFIG", "GET", "notify-keyspace-events")).asString().doesNotContain("K");
    }
}
