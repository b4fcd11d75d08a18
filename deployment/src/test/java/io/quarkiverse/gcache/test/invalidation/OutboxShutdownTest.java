package io.quarkiverse.gcache.test.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R33 at a graceful shutdown: invalidations still waiting in the outbox get one last try, and what is left is logged
 * with its entities. The watermark writes are refused by a Redis ACL (the user may touch no key) until the application
 * stops; then, just before GCache's shutdown, the ACL lets the keys of the {@code written-*} entities through but not
 * those of {@code left-*}: the last try writes the first, and the log names the second for a replay. Before R33 both
 * vanished without a trace. A Redis server of its own, since its ACL changes.
 */
class OutboxShutdownTest {

    static final String PORT = "gcache.test.outbox-shutdown.port";

    /** The test's Redis, found again from the application's class loader by its port. */
    static PrivateRedis redis() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT);
            if (port != null) {
                return PrivateRedis.node(Integer.parseInt(port));
            }
            int free = PrivateRedis.freePort();
            PrivateRedis node = PrivateRedis.startNode(free, List.of());
            System.setProperty(PORT, String.valueOf(free));
            return node;
        }
    }

    /** GCache's log lines ("LEVEL message"), kept in the system properties: written by the application's class loader. */
    static final String LINES = "gcache.test.outbox-shutdown.lines";

    /** Checks the log once the application has stopped: registered first, so its afterAll runs after the app's. */
    @RegisterExtension
    @Order(1)
    static final AfterAllCallback AFTER_SHUTDOWN = context -> lastTryAndLeftovers();

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = GCacheApps.withRedis(OutboxShutdownTest.class, Acl.class)
            .overrideConfigKey("quarkus.redis.hosts", redis().uri());

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;

    /** Opens the keys of the written-* entities before GCache's own shutdown observer runs (default priority). */
    @Singleton
    public static class Acl {
        void beforeGCache(@Observes @Priority(1) ShutdownEvent event) {
            redis().call("ACL", "SETUSER", "default", "resetkeys", "~{urn:item:written-*");
        }
    }

    @Test
    void waitingInvalidationsAreTriedOnceMoreAndTheRestIsLogged() {
        // QuarkusUnitTest's own log capture ends before the application stops: keep GCache's lines ourselves
        List<String> lines = new CopyOnWriteArrayList<>();
        System.getProperties().put(LINES, lines);
        Logger.getLogger("io.quarkiverse.gcache").addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLevel() + " " + format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        redis().call("ACL", "SETUSER", "default", "resetkeys"); // no key may be written: watermarks are refused
        for (String id : List.of("written-1", "written-2", "left-1", "left:2 ü")) {
            assertThat(gcache.invalidate("item", id)).isFalse();
        }
        assertThat(runtime.invalidator().outbox().size()).isEqualTo(4);
    }

    @SuppressWarnings("unchecked")
    static void lastTryAndLeftovers() {
        // removed at once: a property that is not a string breaks every later application of this JVM (Narayana copies
        // the system properties at startup)
        List<String> lines = (List<String>) System.getProperties().remove(LINES);
        for (Handler h : Logger.getLogger("io.quarkiverse.gcache").getHandlers()) {
            if (h.getClass().getName().startsWith(OutboxShutdownTest.class.getName())) {
                Logger.getLogger("io.quarkiverse.gcache").removeHandler(h); // the test's own, from either class loader
            }
        }
        assertThat(lines).isNotNull();
        lines.forEach(l -> System.out.println("GCACHE outbox at shutdown: " + l));
        assertThat(lines).anyMatch(l -> l.startsWith("INFO") && l.contains("shutting down with 4 invalidation(s)")
                && l.contains("once more"));
        String leftovers = lines.stream().filter(l -> l.startsWith("WARN") && l.contains("not written to Redis"))
                .findFirst().orElseThrow();
        assertThat(leftovers).contains("2 of 4 invalidation(s)")
                .contains("key type item, id left-1 ({urn:item:left-1}#watermark)")
                .contains("key type item, id left:2 ü ({urn:item:left%3A2 ü}#watermark)")
                .doesNotContain("written-");
        // the last try wrote the others
        PrivateRedis redis = redis();
        redis.call("ACL", "SETUSER", "default", "resetkeys", "~*");
        assertThat(redis.call("EXISTS", "{urn:item:written-1}#watermark", "{urn:item:written-2}#watermark"))
                .isEqualTo(2L);
        assertThat(redis.call("EXISTS", "{urn:item:left-1}#watermark")).isEqualTo(0L);
    }

    static String format(LogRecord r) {
        try {
            return r.getParameters() == null ? r.getMessage() : String.format(r.getMessage(), r.getParameters());
        } catch (java.util.IllegalFormatException e) {
            return r.getMessage();
        }
    }
}
