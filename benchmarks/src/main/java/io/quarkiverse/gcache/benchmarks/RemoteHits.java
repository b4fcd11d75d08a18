package io.quarkiverse.gcache.benchmarks;

import java.io.IOException;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheKey;
import io.quarkus.arc.Arc;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Row 6: a REMOTE hit (LOCAL ramped to 0) against the same Redis client doing a plain GET, or an MGET of two keys
 * (what our read script fetches: value and watermark), plus the same JSON decode.
 */
@State(Scope.Thread)
public class RemoteHits extends ScopedHits {

    static final String RAW_KEY = "bench:raw:user";
    static final String RAW_WATERMARK = "bench:raw:user#wm"; // absent, as an entity's watermark usually is

    String id = "42";
    Redis redis;
    ObjectReader reader;

    @Setup(Level.Trial)
    public void prime() throws IOException {
        lookUp();
        redis = Arc.container().instance(Redis.class).get();
        ObjectMapper mapper = Arc.container().instance(ObjectMapper.class).get();
        reader = mapper.readerFor(User.class); // made once, as GCache's JSON codec does
        redis.send(Request.cmd(Command.SET).arg(RAW_KEY).arg(mapper.writeValueAsBytes(Subject.VALUE)))
                .await().atMost(Duration.ofSeconds(5));
        try (GCache.Scope s = gcache.enable()) {
            subject.remote(id);
        }
        // The REMOTE write is fire-and-forget: wait until it has landed, so the trial measures hits only.
        String key = GCacheKey.of("user_id", id, "Remote").urn();
        Awaitility.await("GCache's write of " + key).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> redis.send(Request.cmd(Command.EXISTS).arg(key)).await().atMost(Duration.ofSeconds(5))
                        .toLong() == 1);
        Body.reset();
    }

    @Override
    Body[] hitBodies() {
        return new Body[] { Body.REMOTE };
    }

    @Benchmark
    public User gcachedRemoteHit() {
        return subject.remote(id);
    }

    @Benchmark
    public User rawGetJson() throws IOException {
        Response value = redis.send(Request.cmd(Command.GET).arg(RAW_KEY)).await().indefinitely();
        if (value == null) {
            throw new IllegalStateException("raw GET missed");
        }
        return reader.readValue(value.toBytes());
    }

    @Benchmark
    public User rawMget2Json() throws IOException {
        Response values = redis.send(Request.cmd(Command.MGET).arg(RAW_KEY).arg(RAW_WATERMARK)).await().indefinitely();
        Response value = values.get(0);
        if (value == null) {
            throw new IllegalStateException("raw MGET missed");
        }
        return reader.readValue(value.toBytes());
    }
}
