package io.quarkiverse.gcache.test.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.layers.LocalEntry;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkiverse.gcache.test.faults.Catalog;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Three follow-ups of invalidation (R18, R15): a watermark written by a retry from the outbox drops LOCAL again, as the
 * first attempt does; {@code invalidateAsync} writes without being subscribed; {@code flushAll} deletes watermarks after
 * the values they make stale.
 */
class InvalidationFollowUpTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Catalog.class);

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Catalog catalog;

    @BeforeEach
    void clean() {
        REDIS.flushAll();
        runtime.useCases().forEach(uc -> uc.localLayer().clear());
        catalog.names.clear();
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.subscriber().isSubscribed());
    }

    String read(String id) {
        try (GCache.Scope scope = gcache.enable()) {
            return catalog.longLocal(id);
        }
    }

    /**
     * A read whose {@code MGET} reached Redis before the retried watermark trusts the old value and may put it in LOCAL
     * after the invalidation was logged. The test puts that entry in LOCAL itself (the race is a matter of
     * microseconds); once the retry has written the watermark, LOCAL must not serve it.
     */
    @Test
    void aRetriedWatermarkDropsLocalAgain() {
        catalog.names.put("r1", "old");
        assertThat(read("r1")).isEqualTo("old");
        // Redis refuses every key (ACL) but stays connected: the subscription, and so LOCAL, stay on (R8a)
        REDIS.call("ACL", "SETUSER", "default", "resetkeys");
        try {
            catalog.rename("r1", "new"); // the watermark waits in the outbox
            assertThat(runtime.invalidator().outbox().isPending("{urn:item:r1}")).isTrue();
            // what the racing read leaves behind: the old value, in LOCAL, from a computation begun after the invalidation
            LocalLayer local = runtime.useCase("LongLocal").localLayer();
            CompletableFuture<LocalEntry> claim = new CompletableFuture<>();
            assertThat(local.claim("r1", claim)).isNull();
            local.fill("r1", claim, new LocalEntry("old", System.nanoTime()), TimeUnit.MINUTES.toNanos(5));
            assertThat(read("r1")).isEqualTo("old"); // as the racing read would serve it
        } finally {
            REDIS.call("ACL", "SETUSER", "default", "resetkeys", "~*");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.invalidator().outbox().size() == 0);
        assertThat(REDIS.call("EXISTS", "{urn:item:r1}#watermark")).isEqualTo(1L);
        assertThat(read("r1")).isEqualTo("new");
    }

    /** Before, {@code invalidateAsync} dropped LOCAL and wrote nothing unless its {@code Uni} was subscribed. */
    @Test
    void invalidateAsyncWritesWithoutASubscriber() {
        gcache.invalidateAsync("item", "a1"); // the Uni is dropped
        await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(1).equals(REDIS.call("EXISTS",
                "{urn:item:a1}#watermark")));
        // the Uni reports the outcome of that write, without writing again
        String first = (String) REDIS.call("GET", "{urn:item:a1}#watermark");
        var uni = gcache.invalidateAsync("item", "a2");
        await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(1).equals(REDIS.call("EXISTS",
                "{urn:item:a2}#watermark")));
        String written = (String) REDIS.call("GET", "{urn:item:a2}#watermark");
        uni.await().atMost(Duration.ofSeconds(5));
        uni.await().atMost(Duration.ofSeconds(5));
        assertThat(REDIS.call("GET", "{urn:item:a2}#watermark")).isEqualTo(written);
        assertThat(first).isNotNull();
    }

    /**
     * The order of deletion, seen by {@code MONITOR}: no watermark is unlinked before the last value of its entity.
     * Enough keys that {@code SCAN} pages them: before, a watermark was deleted in whatever page it came, and for a
     * moment its entity's older values, invalidated, were trusted again by every instance.
     */
    @Test
    void flushAllDeletesWatermarksLast() throws Exception {
        int entities = 20;
        int valuesPerEntity = 100;
        for (int e = 0; e < entities; e++) {
            List<String> args = new ArrayList<>(List.of("MSET"));
            for (int v = 0; v < valuesPerEntity; v++) {
                args.add("{urn:item:f" + e + "}?page=" + v + "#Paged");
                args.add("x");
            }
            args.add("{urn:item:f" + e + "}#watermark");
            args.add("1");
            REDIS.call(args.toArray(String[]::new));
        }
        List<String> unlinks = new CopyOnWriteArrayList<>();
        try (Socket monitor = new Socket("127.0.0.1", REDIS.port())) {
            OutputStream out = monitor.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("+OK");
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null;) {
                        if (line.toUpperCase(java.util.Locale.ROOT).contains("\"UNLINK\"")) { // as sent: "unlink"
                            unlinks.add(line);
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the socket was closed: done
                }
            });
            reader.start();
            gcache.flushAll();
            REDIS.call("UNLINK", "end-of-flush");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !unlinks.isEmpty() && unlinks.get(unlinks.size() - 1).contains("end-of-flush"));
        }
        assertThat(REDIS.keys()).noneMatch(k -> k.startsWith("{urn:"));
        // the command (in MONITOR order) that unlinked each key
        Pattern quoted = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        Map<String, Integer> commandOf = new HashMap<>();
        for (int i = 0; i < unlinks.size(); i++) {
            Matcher m = quoted.matcher(unlinks.get(i));
            while (m.find()) {
                commandOf.put(m.group(1), i);
            }
        }
        int early = 0;
        for (int e = 0; e < entities; e++) {
            int watermark = commandOf.get("{urn:item:f" + e + "}#watermark");
            int lastValue = -1;
            for (int v = 0; v < valuesPerEntity; v++) {
                lastValue = Math.max(lastValue, commandOf.get("{urn:item:f" + e + "}?page=" + v + "#Paged"));
            }
            if (watermark < lastValue) {
                early++;
            }
        }
        System.out.printf("GCACHE flushAll: %d UNLINK commands for %d keys; %d of %d watermarks deleted before the last "
                + "value of their entity%n", unlinks.size() - 1, entities * (valuesPerEntity + 1), early, entities);
        assertThat(early).isZero();
    }
}
