package io.quarkiverse.gcache.test.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;

/**
 * R34 at build time: {@code @GCacheEnabled} on a JAX-RS method that answers PUT (or DELETE, through its class) is a
 * warning naming the method, and {@code @GCacheEnabled(writes = true)} silences it. At run time such a request reads
 * what it wrote.
 */
class EnabledWritesWarningTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Items.class, ItemResource.class, EnabledResource.class)
            .setLogRecordPredicate(r -> r.getLevel().intValue() == Level.WARNING.intValue() && r.getMessage() != null
                    && r.getMessage().contains("@GCacheEnabled on"))
            .assertLogRecords(EnabledWritesWarningTest::warnings);

    @Inject
    Items items;

    @Singleton
    public static class Items {
        final Map<String, String> names = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "item_id", id = "id", useCase = "WarnItem", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public String get(String id) {
            calls.incrementAndGet();
            return names.getOrDefault(id, "none");
        }

        @GCacheInvalidate(keyType = "item_id", id = "id")
        public void rename(String id, String name) {
            names.put(id, name);
        }
    }

    @Path("/items")
    public static class ItemResource {
        @Inject
        Items items;

        @GET
        @Path("{id}")
        @GCacheEnabled
        public String get(@PathParam("id") String id) {
            return items.get(id);
        }

        /** Warned: a write request with caching on. */
        @PUT
        @Path("{id}")
        @GCacheEnabled
        public String rename(@PathParam("id") String id, String name) {
            items.get(id);
            items.rename(id, name);
            return items.get(id);
        }

        /** Not warned: the annotation says caching is meant for this write. */
        @PUT
        @Path("quiet/{id}")
        @GCacheEnabled(writes = true)
        public String renameQuietly(@PathParam("id") String id, String name) {
            items.get(id);
            items.rename(id, name);
            return items.get(id);
        }
    }

    /** The class enables every method: its DELETE is warned, its GET is not. */
    @Path("/enabled")
    @GCacheEnabled
    public static class EnabledResource {
        @GET
        @Path("{id}")
        public String get(@PathParam("id") String id) {
            return "get " + id;
        }

        @DELETE
        @Path("{id}")
        public String remove(@PathParam("id") String id) {
            return "removed " + id;
        }
    }

    static void warnings(List<LogRecord> records) {
        List<String> messages = records.stream().map(r -> String.format(r.getMessage(), r.getParameters())).toList();
        messages.forEach(m -> System.out.println("GCACHE build warning: " + m));
        assertThat(messages).hasSize(2);
        assertThat(messages).anyMatch(m -> m.contains(ItemResource.class.getName() + ".rename") && m.contains("HTTP PUT")
                && m.contains("@GCacheEnabled(writes = true)"));
        assertThat(messages).anyMatch(m -> m.contains(EnabledResource.class.getName() + ".remove")
                && m.contains("HTTP DELETE"));
        assertThat(messages).noneMatch(m -> m.contains("renameQuietly"));
    }

    @Test
    void aWriteRequestReadsWhatItWrote() {
        given().get("/items/7").then().statusCode(200).body(is("none")); // cached
        given().body("first").put("/items/quiet/7").then().statusCode(200).body(is("first"));
        given().body("second").put("/items/7").then().statusCode(200).body(is("second"));
        given().get("/items/7").then().statusCode(200).body(is("second"));
        assertThat(items.calls.get()).isPositive();
    }
}
