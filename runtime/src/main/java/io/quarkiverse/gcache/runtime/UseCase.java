package io.quarkiverse.gcache.runtime;

import java.lang.reflect.Type;
import java.util.concurrent.CompletionStage;

import jakarta.interceptor.InvocationContext;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.runtime.control.ControlledUseCase;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.invalidation.InvalidatedUseCase;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.ErrorKind;
import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseMeters;
import io.quarkiverse.gcache.runtime.metrics.UseCaseStats;
import io.quarkiverse.gcache.runtime.shadow.ShadowedUseCase;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;
import io.quarkiverse.gcache.runtime.tracing.Tracing;
import io.smallrye.mutiny.Uni;

/** Everything the read-through path needs about one {@code @GCached} method, assembled once at startup. */
public final class UseCase implements ControlledUseCase, InvalidatedUseCase, ShadowedUseCase {

    private final String name;
    private final String keyType;
    private final String declaration;
    private final MethodKind kind;
    private final KeyBuilder keys;
    private final Type valueType;
    private final long shape;
    private final GCacheSerializer serializer;
    private final LayerPolicy local;
    private final LayerPolicy remote;
    private final LocalLayer localLayer;
    private final InvalidationLog.Entities invalidated;
    private final boolean requestEnabled;
    private final boolean earlyRefresh;
    private final boolean remoteEarlyRefresh;
    /** Moving average of the method's time (δ of early refresh, R21); racy updates only lose a sample. */
    private volatile long methodNanos;
    /** Runs of the method and their total time, for the mean behind "time saved". Misses only. */
    private final java.util.concurrent.atomic.LongAdder methodRuns = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder methodTotalNanos = new java.util.concurrent.atomic.LongAdder();
    private final UseCaseShadow shadow;
    /** R31: why REMOTE is never used by this use case (its values cannot round-trip), {@code null} when it may be. */
    private final String remoteRefused;
    private final UseCaseStats stats = new UseCaseStats();
    /** {@code disabled{GLOBAL,context}}, the one counter of a call outside any enable scope, held directly. */
    private final java.util.concurrent.atomic.LongAdder outsideScope = stats.disabledCounter(StatLayer.GLOBAL,
            DisabledReason.CONTEXT);
    private volatile UseCaseMeters meters = UseCaseMeters.NOOP;
    /** Final: without OpenTelemetry a traced call costs a field read and an empty, inlined call. */
    private final Tracing tracing;
    private final FailureLog keyFailures = new FailureLog("key building");
    private final FailureLog remoteFailures = new FailureLog("REMOTE layer");
    private final FailureLog codecFailures = new FailureLog("value serialization");
    private final FailureLog configFailures = new FailureLog("GCacheConfigProvider");
    private final FailureLog valueFailures = new FailureLog("REMOTE value check");
    private final FailureLog controlFailures = new FailureLog("control input");

    public UseCase(String name, String keyType, String declaration, MethodKind kind, KeyBuilder keys, Type valueType,
            long shape, GCacheSerializer serializer, LayerPolicy local, LayerPolicy remote, LocalLayer localLayer,
            InvalidationLog.Entities invalidated, boolean requestEnabled, boolean earlyRefresh,
            boolean remoteEarlyRefresh, UseCaseShadow shadow, Tracing tracing, String remoteRefused) {
        this.remoteRefused = remoteRefused;
        this.remoteEarlyRefresh = remoteEarlyRefresh;
        this.shadow = shadow;
        this.tracing = tracing;
        this.shape = shape;
        this.name = name;
        this.keyType = keyType;
        this.declaration = declaration;
        this.kind = kind;
        this.keys = keys;
        this.valueType = valueType;
        this.serializer = serializer;
        this.local = local;
        this.remote = remote;
        this.localLayer = localLayer;
        this.invalidated = invalidated;
        this.requestEnabled = requestEnabled;
        this.earlyRefresh = earlyRefresh;
        local.badValues(problem -> badOverride(StatLayer.LOCAL, problem));
        remote.badValues(problem -> badOverride(StatLayer.REMOTE, problem));
    }

    /** Whether LOCAL hits of this use case may refresh early ({@code local.early-refresh}, R21). */
    public boolean earlyRefresh() {
        return earlyRefresh;
    }

    /**
     * Runs a {@code Uni} or {@code CompletionStage} method ({@code ctx.proceed()}) as a {@code Uni}: a method that
     * throws, or returns {@code null} instead of its {@code Uni}, gives a failed {@code Uni}.
     */
    @SuppressWarnings("unchecked")
    public Uni<Object> invokeReactive(InvocationContext ctx) {
        Object result;
        try {
            result = ctx.proceed();
        } catch (Throwable t) {
            return Uni.createFrom().failure(t);
        }
        if (result == null) {
            return Uni.createFrom().failure(new NullPointerException(declaration
                    + " returned null instead of a " + (kind == MethodKind.UNI ? "Uni" : "CompletionStage")));
        }
        return kind == MethodKind.UNI ? (Uni<Object>) result
                : Uni.createFrom().completionStage((CompletionStage<Object>) result);
    }

    /** Whether REMOTE hits of this use case may refresh early ({@code remote.early-refresh}, R21). */
    public boolean remoteEarlyRefresh() {
        return remoteEarlyRefresh;
    }

    /** Records one run of the method: its moving average (weight 1/8) and the totals. */
    public void methodTime(long nanos) {
        long old = methodNanos;
        methodNanos = old == 0 ? nanos : old + (nanos - old) / 8;
        methodRuns.increment();
        methodTotalNanos.add(nanos);
    }

    /** The mean time of the method's runs on this instance, {@code -1} before the first. */
    public long meanMethodNanos() {
        long runs = methodRuns.sum();
        return runs == 0 ? -1 : methodTotalNanos.sum() / runs;
    }

    /** Shadow verification of this use case's hits (R22, R23). */
    public UseCaseShadow shadow() {
        return shadow;
    }

    /** The method's usual time, {@code 0} before its first run. */
    public long methodNanos() {
        return methodNanos;
    }

    /**
     * Why this use case never uses REMOTE: the build found its values cannot round-trip and REMOTE configured nowhere
     * it could see (R31); {@code null} when it may use REMOTE.
     */
    public String remoteRefused() {
        return remoteRefused;
    }

    /** Whether this use case has the REQUEST layer ({@code use-case."X".request.enabled}, R20). */
    public boolean requestEnabled() {
        return requestEnabled;
    }

    public String name() {
        return name;
    }

    public String keyType() {
        return keyType;
    }

    /** {@code com.acme.UserService#getUser}, for messages. */
    public String declaration() {
        return declaration;
    }

    public MethodKind kind() {
        return kind;
    }

    public KeyBuilder keys() {
        return keys;
    }

    public Type valueType() {
        return valueType;
    }

    /** Fingerprint of the value type's shape, computed at build time (R14b). */
    public long shape() {
        return shape;
    }

    public GCacheSerializer serializer() {
        return serializer;
    }

    /**
     * Applies a runtime override (R3). A LOCAL TTL made shorter also applies at once to the entries held; a longer one
     * waits for the next fill, which first extends the invalidation log's retention to it (R6a: the log must outlive
     * every entry, and a use case with key arguments finds its invalidated entries only through it).
     */
    public void override(CacheLayer layer, java.time.Duration ttl, Integer ramp) {
        if (layer == CacheLayer.REMOTE && remoteRefused != null && ttl != null) {
            org.jboss.logging.Logger.getLogger(UseCase.class).warnf("GCache use case %s keeps REMOTE off whatever "
                    + "its overrides say (R31): %s", name, remoteRefused);
        }
        LayerPolicy policy = policy(layer);
        policy.override(ttl, ramp);
        java.time.Duration known = policy.knownTtl();
        if (layer == CacheLayer.LOCAL && known != null && !known.isZero() && !known.isNegative()) {
            localLayer.shortenTtl(known.toNanos());
        }
    }

    public LayerPolicy policy(CacheLayer layer) {
        return layer == CacheLayer.LOCAL ? local : remote;
    }

    public LocalLayer localLayer() {
        return localLayer;
    }

    /** The full keys LOCAL holds (a snapshot, for the management views and tests). */
    public java.util.Set<String> localKeys() {
        java.util.Set<String> full = new java.util.TreeSet<>();
        localLayer.keys().forEach(k -> full.add(keys.fullKey(k)));
        return full;
    }

    /** The invalidations this instance knows of for this use case's key type (R6a). */
    public InvalidationLog.Entities invalidated() {
        return invalidated;
    }

    public UseCaseStats stats() {
        return stats;
    }

    public UseCaseMeters meters() {
        return meters;
    }

    /** Set once at startup by the metrics binding. */
    public void meters(UseCaseMeters meters) {
        this.meters = meters;
    }

    /** A call outside any enable scope: counted, the method runs (R1). */
    void outsideScope() {
        outsideScope.increment();
        tracing.disabled(name, StatLayer.GLOBAL, DisabledReason.CONTEXT);
        tracing.served(name, null);
    }

    /** On the current span: the call was answered by {@code layer}, or by the method when {@code null} (R16). */
    void served(StatLayer layer) {
        tracing.served(name, layer);
    }

    /** Counted, and an event on the current span (R16). */
    void disabled(StatLayer layer, DisabledReason reason) {
        stats.disabled(layer, reason);
        tracing.disabled(name, layer, reason);
    }

    /**
     * R30: a key argument too long for a key; the call bypasses the cache. Counted on each layer the use case has a
     * TTL for (REMOTE only with Redis), without drawing ramps.
     */
    void keyTooLong(boolean withRemote) {
        for (CacheLayer layer : CacheLayer.values()) {
            boolean off = layer == CacheLayer.REMOTE && (!withRemote || remoteRefused != null);
            java.time.Duration ttl = off ? null : policy(layer).describe().ttl();
            if (ttl != null && !ttl.isZero() && !ttl.isNegative()) {
                disabled(StatLayer.of(layer), DisabledReason.KEY_TOO_LONG);
            }
        }
    }

    void keyFailed(Throwable t) {
        stats.error(StatLayer.GLOBAL, ErrorKind.KEY_BUILDING);
        keyFailures.log(name, t);
    }

    void remoteFailed(Throwable t) {
        stats.error(StatLayer.REMOTE, ErrorKind.REDIS);
        remoteFailures.log(name, t);
        tracing.remoteFailed(name, t);
    }

    void codecFailed(Throwable t) {
        stats.error(StatLayer.REMOTE, ErrorKind.SERIALIZATION);
        codecFailures.log(name, t);
    }

    /** R14a: a value over {@code remote.max-value-size}, not written, or found on a read and deleted. */
    void valueTooLarge(String key, long bytes, boolean found) {
        stats.error(StatLayer.REMOTE, ErrorKind.VALUE_TOO_LARGE);
        valueFailures.log(name, new IllegalStateException((found ? "deleted " : "did not write ") + key + " of " + bytes
                + " bytes, over quarkus.gcache.remote.max-value-size"));
    }

    /** R14a: a stored value with a bad header, unknown version or a creation time in the future. */
    void corrupt(String key, Throwable t) {
        stats.error(StatLayer.REMOTE, ErrorKind.CORRUPT);
        valueFailures.log(name, new IllegalStateException(key + ": " + t.getMessage()));
    }

    /**
     * R29: a control input (override, provider answer) that was refused or ignored: counted
     * {@code errors{error=bad_override}} under {@code layer} ({@code GLOBAL} for the shadow ramp) and logged,
     * rate-limited, with {@code problem} naming the field.
     */
    public void badOverride(StatLayer layer, String problem) {
        stats.error(layer, ErrorKind.BAD_OVERRIDE);
        controlFailures.logMessage("refused or ignored", new IllegalArgumentException(problem));
    }

    void configFailed(CacheLayer layer, Throwable t) {
        stats.error(StatLayer.of(layer), ErrorKind.CONFIG_PROVIDER);
        configFailures.log(name, t);
    }

    void methodFailed(Throwable t) {
        stats.fallbackError();
        meters.fallbackError(t);
    }
}
