package io.quarkiverse.gcache.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.runtime.control.GCacheBuildConfig;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.control.RuntimeControl;
import io.quarkiverse.gcache.runtime.invalidation.AfterCommit;
import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationSubscriber;
import io.quarkiverse.gcache.runtime.invalidation.Invalidator;
import io.quarkiverse.gcache.runtime.invoke.Blocking;
import io.quarkiverse.gcache.runtime.keys.IdExtractor;
import io.quarkiverse.gcache.runtime.layers.CacheTimer;
import io.quarkiverse.gcache.runtime.layers.RedisNodeOptions;
import io.quarkiverse.gcache.runtime.layers.RedisSetup;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.shadow.ShadowVerifier;
import io.quarkiverse.gcache.runtime.tracing.Tracing;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Assembles the use cases from what the build recorded and the run-time configuration, once, at startup; then
 * serves them to the interceptors by name.
 */
@Singleton
public class GCacheRuntime {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");

    @Inject
    GCacheRecorder.CachedMethods cachedMethods;
    @Inject
    GCacheRecorder.InvalidateMethods invalidateMethods;
    @Inject
    GCacheConfig config;
    @Inject
    GCacheBuildConfig buildConfig;
    @Inject
    ObjectMapper objectMapper;
    @Inject
    Instance<GCacheConfigProvider> providers;
    @Inject
    io.vertx.core.Vertx vertx;
    /** A bean only when the build found OpenTelemetry tracing (R16); resolved once here, never per call. */
    @Inject
    Instance<Tracing> tracing;
    /** The options the Redis client was built with, for the per-master watch of watch-watermarks (R17, R19). */
    @Inject
    RedisNodeOptions nodeOptions;
    /** A bean only when the build found JTA (R24); resolved once here, never per call. */
    @Inject
    Instance<AfterCommit> afterCommitHook;
    /**
     * Never read: this injection point of the default Redis client is how the Redis extension learns that the
     * application uses it, and creates it once (a {@code RequestedRedisClientBuildItem} would have it created twice;
     * see {@code GCacheProcessor.redisClient}). An {@code Instance}, so that an application without Redis starts.
     */
    @Inject
    Instance<Redis> defaultRedis;

    private Map<String, UseCase> useCases;
    private Map<String, Invalidation> invalidations;
    private RemoteLayer remote;
    /** Every timeout and timed wait of GCache fires here, never on the worker pool (R28). */
    private final CacheTimer timer = new CacheTimer();
    private ReadThrough readThrough;
    private Invalidator invalidator;
    private RuntimeControl control;
    private volatile InvalidationSubscriber subscriber;
    private long outboxRetries = -1;
    private long controlChecks = -1;
    private String redisClientName;
    private AfterCommit afterCommit;

    @PostConstruct
    void init() {
        Blocking.configure(config.remote().timeout());
        remote = connectRemote();
        afterCommit = afterCommitHook.isResolvable() ? afterCommitHook.get() : AfterCommit.NONE;
        InvalidationLog log = new InvalidationLog(TimeUnit.HOURS.toNanos(1));
        UseCaseFactory factory = new UseCaseFactory(config, providers.isResolvable() ? providers.get() : null,
                objectMapper, log, tracing.isResolvable() ? tracing.get() : Tracing.NOOP);
        Map<String, UseCase> all = new LinkedHashMap<>();
        for (CachedMethod m : cachedMethods.methods()) {
            all.put(m.useCase(), factory.create(m));
        }
        useCases = Collections.unmodifiableMap(all);
        for (UseCase uc : all.values()) {
            Duration ttl = uc.policy(CacheLayer.LOCAL).staticTtl();
            if (ttl != null) {
                log.retention(ttl.toNanos());
            }
        }
        invalidator = new Invalidator(config.urnPrefix(), all.values(), remote, log,
                config.invalidation().minWatermarkTtl());
        if (remote != null) {
            remote.watermarkTtl(invalidator::watermarkTtlMillis); // R25: watermarks created by reads live as long (R7)
        }
        Duration waitTimeout = config.local().waitTimeout()
                .orElse(config.remote().timeout().multipliedBy(2).plusSeconds(1));
        if (config.shadow().timeout().isZero() || config.shadow().timeout().isNegative()) {
            throw new IllegalArgumentException("quarkus.gcache.shadow.timeout must be positive, got "
                    + config.shadow().timeout());
        }
        if (config.shadow().maxConcurrent() < 1) {
            throw new IllegalArgumentException("quarkus.gcache.shadow.max-concurrent must be at least 1, got "
                    + config.shadow().maxConcurrent() + " (a shadow ramp of 0 turns verification off)");
        }
        readThrough = new ReadThrough(remote, log, invalidator.outbox(), invalidator.gap(), waitTimeout,
                config.earlyRefreshBeta(), new ShadowVerifier(remote, Infrastructure.getDefaultWorkerPool(),
                        config.shadow().maxConcurrent(), config.shadow().timeout()),
                config.remote().leases(), timer);
        control = new RuntimeControl(useCases, remote, config.urnPrefix());
        Map<String, Invalidation> byId = new java.util.HashMap<>();
        for (InvalidateMethod m : invalidateMethods.methods()) {
            byId.put(m.id(), new Invalidation(m, UseCaseFactory.idExtractor(m.idSource())));
        }
        invalidations = byId;
        warnUnknownUseCases();
    }

    void onStart(@Observes StartupEvent event) {
        // Observing startup makes the assembly (and its configuration errors) happen at boot, not on the first call.
        if (remote != null) {
            openFirstConnection(config.remote().timeout().multipliedBy(4));
            try {
                control.reload().await().atMost(config.remote().timeout().multipliedBy(4));
            } catch (RuntimeException e) {
                LOG.warnf("GCache starts without runtime overrides: %s", e.getMessage());
            }
            subscriber = new InvalidationSubscriber(remote.client(), vertx, invalidator, control.channel(),
                    () -> control.reloadAnnounced().subscribe().with(ok -> {
                    }, t -> {
                    }), config.remote().timeout(),
                    config.invalidation().watchWatermarks() ? invalidator.watermarkPattern() : null,
                    (host, port) -> nodeOptions.forNode(redisClientName, host, port));
            if (config.invalidation().watchWatermarks()) {
                checkKeyspaceNotifications();
            }
            subscriber.start();
            outboxRetries = invalidator.startRetries(vertx);
            controlChecks = control.startChecks(vertx); // R27: finds overrides Redis lost, writes them back
            // Tracked LOCAL is off until invalidations can reach this instance (R8a); a short wait at boot keeps
            // the first requests from running without it.
            if (!invalidator.gap().awaitFirstClose(config.remote().timeout().multipliedBy(4).plusSeconds(1))) {
                LOG.warnf("GCache could not subscribe to invalidations at startup; LOCAL of tracked use cases stays "
                        + "off until it can (REMOTE and the methods serve meanwhile)");
            }
        }
    }

    /**
     * Opens the Redis client's first connection before the first command, waiting at most {@code bound}. On a cold
     * JVM that connection (TCP, the handshake, and the first use of the client's and Netty's classes) can take longer
     * than {@code remote.timeout} (250 ms by default; 100–410 ms for the packaged demo on a busy 2-core machine), and
     * the reload of the overrides that follows, whose command waits {@code remote.timeout}, timed out on it and warned
     * ("GCache starts without runtime overrides") at most starts there (issue 26). The connection goes back to the
     * pool, where the reload finds it. A connection that arrives after the bound is returned too, not leaked; a
     * failure is left to the reload to report.
     */
    private void openFirstConnection(Duration bound) {
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        remote.client().connect().subscribe().with(c -> {
            c.closeAndForget();
            done.countDown();
        }, t -> done.countDown());
        try {
            boolean opened = done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debugf("GCache's first Redis connection: %s after %d ms", opened ? "done" : "still under way",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** R17: watch-watermarks needs keyspace events of string commands; say exactly what to set when they are off. */
    private void checkKeyspaceNotifications() {
        try {
            var reply = remote.client().send(io.vertx.mutiny.redis.client.Request
                    .cmd(io.vertx.mutiny.redis.client.Command.CONFIG).arg("GET").arg("notify-keyspace-events"))
                    .await().atMost(config.remote().timeout().multipliedBy(4));
            String flags;
            if (reply == null) {
                flags = "";
            } else if (reply.getDelegate().isMap()) { // RESP3
                var value = reply.get("notify-keyspace-events");
                flags = value == null ? "" : value.toString();
            } else { // RESP2: name, value
                flags = reply.size() > 1 ? reply.get(1).toString() : "";
            }
            boolean keyspace = flags.contains("K");
            boolean strings = flags.contains("$") || flags.contains("A");
            if (!keyspace || !strings) {
                LOG.warnf("quarkus.gcache.invalidation.watch-watermarks is on, but Redis does not send the keyspace "
                        + "notifications it needs (notify-keyspace-events is '%s'): run CONFIG SET "
                        + "notify-keyspace-events %s on every Redis (or set it in redis.conf); until then, "
                        + "invalidations by other writers (Python gcache) reach LOCAL only when entries expire", flags,
                        flags + (keyspace ? "" : "K") + (strings ? "" : "$"));
            }
        } catch (RuntimeException e) {
            LOG.warnf("GCache could not check notify-keyspace-events for watch-watermarks (CONFIG GET failed: %s); it "
                    + "must include K and $", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (remote != null) {
            if (outboxRetries >= 0) {
                vertx.cancelTimer(outboxRetries);
            }
            // R33: one bounded last try for invalidations still waiting; what is left is logged for an operator
            Duration fourTimeouts = config.remote().timeout().multipliedBy(4);
            invalidator.shutdown(fourTimeouts.compareTo(Duration.ofSeconds(2)) > 0 ? fourTimeouts : Duration.ofSeconds(2));
            remote.close();
        }
        timer.close();
        if (subscriber != null) {
            subscriber.stop();
            vertx.cancelTimer(outboxRetries);
            vertx.cancelTimer(controlChecks);
        }
    }

    /** A {@code @GCacheInvalidate} method with its id extractor. */
    public record Invalidation(InvalidateMethod method, IdExtractor extractor) {
        public String id(Object[] params) {
            return io.quarkiverse.gcache.runtime.keys.KeyValues.toKeyString(extractor.extract(params));
        }
    }

    /** The {@code @GCacheInvalidate} method the build recorded under {@code id} ({@code GCacheInvalidateBinding}). */
    public Invalidation invalidation(String id) {
        return invalidations.get(id);
    }

    /** Invalidations inside a transaction are made again when it completes (R24). */
    public AfterCommit afterCommit() {
        return afterCommit;
    }

    public RuntimeControl control() {
        return control;
    }

    public Invalidator invalidator() {
        return invalidator;
    }

    /** {@code null} without Redis. */
    public InvalidationSubscriber subscriber() {
        return subscriber;
    }

    public UseCase useCase(String name) {
        return useCases.get(name);
    }

    public Collection<UseCase> useCases() {
        return useCases.values();
    }

    /** {@code null} when the application runs LOCAL-only. */
    public RemoteLayer remote() {
        return remote;
    }

    public String urnPrefix() {
        return config.urnPrefix();
    }

    ReadThrough readThrough() {
        return readThrough;
    }

    private RemoteLayer connectRemote() {
        if (!config.remote().enabled()) {
            LOG.info("GCache runs LOCAL only: quarkus.gcache.remote.enabled=false");
            return null;
        }
        String name = buildConfig.remote().clientName().filter(n -> !n.isBlank()).orElse(RedisConfig.DEFAULT_CLIENT_NAME);
        var cfg = ConfigProvider.getConfig();
        boolean configured = cfg.getOptionalValue(RedisConfig.getPropertyName(name, "hosts"), String.class).isPresent()
                || cfg.getOptionalValue(RedisConfig.getPropertyName(name, "hosts-provider-name"), String.class).isPresent();
        if (!configured) {
            LOG.infof("GCache runs LOCAL only: no Redis client is configured (%s is not set)",
                    RedisConfig.getPropertyName(name, "hosts"));
            return null;
        }
        InstanceHandle<Redis> redis = RedisConfig.isDefaultClient(name) ? Arc.container().instance(Redis.class)
                : Arc.container().instance(Redis.class, RedisClientName.Literal.of(name));
        if (!redis.isAvailable()) {
            LOG.warnf("GCache runs LOCAL only: the Redis client %s is not available", name);
            return null;
        }
        LOG.debugf("GCache uses the Redis client %s for the REMOTE layer", name);
        redisClientName = name;
        RemoteLayer layer = new RemoteLayer(redis.get(), config.remote().timeout(),
                config.remote().maxValueSize().asLongValue(), RedisSetup.of(name).cluster(), timer); // R19
        layer.waitReplicas(waitReplicas(config.invalidation().waitReplicas()));
        return layer;
    }

    /** {@code invalidation.wait-replicas}: {@code auto} is -1 (R26). */
    static int waitReplicas(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(
                "quarkus.gcache.invalidation.wait-replicas must be auto or a number of replicas (0 or more), got " + value);
    }

    private void warnUnknownUseCases() {
        List<String> unknown = new ArrayList<>();
        for (String name : config.useCase().keySet()) {
            if (!useCases.containsKey(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            LOG.warnf("quarkus.gcache.use-case names unknown use case(s) %s; known use cases: %s", unknown,
                    new TreeSet<>(useCases.keySet()));
        }
    }
}
