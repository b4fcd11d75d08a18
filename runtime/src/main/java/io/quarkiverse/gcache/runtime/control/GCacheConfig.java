package io.quarkiverse.gcache.runtime.control;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Run-time configuration of GCache (reference: configuration). */
@ConfigMapping(prefix = "quarkus.gcache")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface GCacheConfig {

    /** First component of every key (R4). Python gcache uses {@code urn}; keep them equal where both share Redis. */
    @WithDefault("urn")
    String urnPrefix();

    /** Cache keys. */
    Key key();

    interface Key {
        /**
         * The longest a key argument's part of a key may be, in characters, as written into the key (escaped; a
         * record, collection or map argument with all its components). A call with a longer argument bypasses the
         * cache: the method runs, nothing is stored, and it counts as {@code gcache.disabled{reason=key_too_long}}
         * (R30). It bounds the memory that large arguments (a request body) can take in keys.
         */
        @WithDefault("512")
        int maxArgLength();
    }

    /** The LOCAL (Caffeine) layer. */
    Local local();

    /** The REMOTE (Redis) layer. */
    Remote remote();

    /**
     * Per use case settings; they override the annotation's and are overridden by a {@code GCacheConfigProvider}
     * (R3). Keys are use case names, quoted when they contain dots: {@code quarkus.gcache.use-case."GetUser".local.ttl}.
     */
    @WithName("use-case")
    @ConfigDocMapKey("use-case")
    Map<String, UseCase> useCase();

    /** HTTP integration. */
    Http http();

    /** Entity invalidation. */
    Invalidation invalidation();

    /** The readiness check (with quarkus-smallrye-health). */
    Health health();

    interface Health {
        /**
         * Whether the readiness check {@code gcache} reports DOWN while Redis is unreachable. Off by default: the
         * application keeps serving from the methods (fail-open), so taking it out of rotation would only add load
         * elsewhere.
         */
        @WithDefault("false")
        boolean readinessDownWhenRedisDown();
    }

    interface Invalidation {
        /**
         * The shortest TTL a watermark is written with. A watermark must outlive every value it makes stale: at
         * least the largest REMOTE TTL of the tracked use cases, and at least this, which covers values written by
         * other instances or by Python gcache with TTLs this instance does not know (gcache writes its watermarks
         * with 4 h). An existing watermark's TTL is never shortened.
         */
        @WithDefault("4h")
        Duration minWatermarkTtl();

        /**
         * Whether LOCAL entries are also dropped when any writer sets an entity's watermark, through Redis keyspace
         * notifications: Python gcache publishes nothing when it invalidates. Needs {@code notify-keyspace-events}
         * to include {@code K} and {@code $} (or {@code A}); GCache checks at startup and logs what to set.
         */
        @WithDefault("false")
        boolean watchWatermarks();

        /**
         * How many replicas must acknowledge a watermark before an invalidation counts as written (R26): a number, or
         * {@code auto} (1 while the primary reports a connected replica, else 0). An invalidation that is not
         * acknowledged within {@code remote.timeout} waits in the outbox and is written again. Not used on Redis
         * Cluster.
         */
        @WithDefault("auto")
        String waitReplicas();
    }

    /** Metrics (with quarkus-micrometer). */
    Metrics metrics();

    /** The management endpoint {@code /q/gcache}. */
    Management management();

    interface Management {
        /** Whether {@code /q/gcache} answers; when it does, it requires an authenticated user with {@link #role()}. */
        @WithDefault("false")
        boolean enabled();

        /** Role required to use the management endpoint. */
        @WithDefault("gcache-admin")
        String role();
    }

    interface Metrics {
        /** First component of every meter name: {@code <prefix>.requests}, {@code <prefix>.misses}, ... */
        @WithDefault("gcache")
        String prefix();

        /**
         * One in this many LOCAL hits is timed for {@code gcache.get} ({@code 1}: every hit; {@code 0}: none).
         * Off by default: timing a hit (two clock reads and a timer update) costs as much as the hit itself. Calls
         * that are not LOCAL or REQUEST hits are always timed, and the counters stay exact.
         */
        @WithDefault("0")
        int hitSampling();
    }

    interface Local {
        /** Maximum number of entries per use case. */
        @WithDefault("10000")
        long maximumSize();

        /**
         * How long a caller waits for another caller's computation of the same key before it runs the method itself
         * (counted as {@code disabled{reason=wait_timeout}} on LOCAL). Default: twice {@code remote.timeout} plus 1 s.
         */
        Optional<Duration> waitTimeout();
    }

    interface Remote {
        /** Whether the REMOTE layer is used; it is only used when a Redis client is configured. */
        @WithDefault("true")
        boolean enabled();

        /** Time budget of one Redis operation; past it the call falls back to the method (R10). */
        @WithDefault("250ms")
        Duration timeout();

        /**
         * Largest value (serialized, with its header) stored in Redis. Larger values are not written; one found on a
         * read is deleted without being transferred. Both count as {@code errors{error=value_too_large}}.
         */
        @WithDefault("1M")
        MemorySize maxValueSize();

        /**
         * One computation per missed key across instances (reference R21): a REMOTE miss takes a short lease in Redis
         * ({@code SET <key>#lease NX PX}) before running the method; instances that find it taken wait at most
         * {@code remote.timeout} for the value, then run the method themselves.
         */
        @WithDefault("true")
        boolean leases();
    }

    interface UseCase {
        /** LOCAL layer of this use case. */
        Layer local();

        /** REMOTE layer of this use case. */
        Layer remote();

        /** REQUEST layer of this use case (reference R20). */
        Request request();

        /** Shadow verification of this use case's hits (reference R22). */
        Shadow shadow();
    }

    interface Shadow {
        /**
         * Share of cache hits (0–100) that also run the method, off the caller's path, to compare its result with the
         * cached value. A mismatch is counted and deletes that key. Can be overridden at runtime.
         */
        OptionalInt ramp();
    }

    interface Request {
        /**
         * Whether calls of this use case inside one enable scope (one HTTP request for {@code @GCacheEnabled}) share
         * their results: the same key asked twice in a scope runs nothing twice and costs no Redis round trip. Values
         * are held by reference and dropped with the scope; no TTL, no ramp.
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface Layer {
        /** Time to live of values in this layer. */
        Optional<Duration> ttl();

        /** Share of calls (0–100) that use this layer. */
        OptionalInt ramp();

        /**
         * Probabilistic early recomputation of hot entries (XFetch, reference R21): each hit recomputes with a
         * probability that rises as the entry nears its expiry, scaled by the method's measured time, so one caller
         * refreshes a hot key before it expires while the others keep getting the cached value. For REMOTE, the
         * refreshing caller takes the key's lease, so one instance of the fleet refreshes it.
         */
        @WithDefault("false")
        boolean earlyRefresh();
    }

    /** Shadow verification (reference R22) and the TTL advisor (R23), for every use case. */
    ShadowVerification shadow();

    interface ShadowVerification {
        /** Shadow runs at a time over all use cases; a drawn hit beyond it is skipped (counted). */
        @WithDefault("2")
        int maxConcurrent();

        /**
         * A shadow run not ended by then counts as {@code result=error} and gives its slot to the next drawn hit, so a
         * method that hangs does not stop verification.
         */
        @WithDefault("30s")
        Duration timeout();

        /** Comparisons per use case and layer before the TTL advisor suggests a TTL. */
        @WithDefault("100")
        long minSamples();
    }

    /**
     * β of early refresh (R21): larger values refresh earlier. {@code 1} is the value the XFetch paper shows optimal for
     * most loads.
     */
    @WithDefault("1.0")
    double earlyRefreshBeta();

    interface Http {
        /** HTTP methods (e.g. {@code GET,HEAD}) for which every request has caching enabled. */
        Optional<List<String>> enableForMethods();
    }
}
