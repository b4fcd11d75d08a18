package io.quarkiverse.gcache.runtime.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.runtime.Blocking;
import io.quarkiverse.gcache.runtime.UseCase;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.runtime.metrics.UseCaseStats;
import io.smallrye.mutiny.Uni;

/**
 * {@link GCacheControl}: overrides are applied here at once; with Redis they are also stored in the hash
 * {@code gcache:overrides:<prefix>} (field {@code <useCase>#<LAYER>}, value {@code <ttl ms>|<ramp>}, either part
 * empty when not overridden; field {@code <useCase>#SHADOW}, value {@code |<ramp>}, for the shadow ramp of R22) and announced
 * on {@code gcache:control:<prefix>}, upon which every instance reloads
 * the hash. Instances load it at startup and after any gap in their subscription.
 */
public final class RuntimeControl implements GCacheControl {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");
    /** The field suffix of a shadow ramp override (R22). */
    static final String SHADOW = "SHADOW";

    private final Map<String, UseCase> useCases;
    private final RemoteLayer remote;
    private final String hash;
    private final String channel;
    /** Bumped by every local change; a reload that raced one is dropped (the change's own announcement reloads). */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();

    public RuntimeControl(Map<String, UseCase> useCases, RemoteLayer remote, String prefix) {
        this.useCases = useCases;
        this.remote = remote;
        this.hash = "gcache:overrides:" + prefix;
        this.channel = "gcache:control:" + prefix;
    }

    public String channel() {
        return channel;
    }

    @Override
    public List<UseCaseInfo> useCases() {
        List<UseCaseInfo> all = new ArrayList<>();
        useCases.values().stream().sorted(Comparator.comparing(UseCase::name)).forEach(uc -> all.add(info(uc)));
        return all;
    }

    @Override
    public UseCaseInfo useCase(String name) {
        return info(known(name));
    }

    @Override
    public void override(String useCase, CacheLayer layer, Duration ttl, Integer ramp) {
        UseCase uc = known(useCase);
        if (layer == null) {
            throw new IllegalArgumentException("layer is required (LOCAL or REMOTE)");
        }
        if (ramp != null && (ramp < 0 || ramp > 100)) {
            throw new IllegalArgumentException("ramp must be between 0 and 100, got " + ramp);
        }
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, got " + ttl);
        }
        synchronized (this) { // see reload()
            generation.incrementAndGet();
            uc.override(layer, ttl, ramp);
        }
        publish(useCase + "#" + layer, (ttl == null ? "" : String.valueOf(ttl.toMillis())) + "|"
                + (ramp == null ? "" : String.valueOf(ramp)));
    }

    @Override
    public void clearOverride(String useCase, CacheLayer layer) {
        UseCase uc = known(useCase);
        synchronized (this) { // see reload()
            generation.incrementAndGet();
            uc.override(layer, null, null);
        }
        publish(useCase + "#" + layer, null);
    }

    @Override
    public void overrideShadowRamp(String useCase, Integer ramp) {
        UseCase uc = known(useCase);
        if (ramp != null && (ramp < 0 || ramp > 100)) {
            throw new IllegalArgumentException("shadow ramp must be between 0 and 100, got " + ramp);
        }
        synchronized (this) { // see reload()
            generation.incrementAndGet();
            uc.shadow().override(ramp);
        }
        publish(useCase + "#" + SHADOW, ramp == null ? null : "|" + ramp);
    }

    /**
     * {@link #reload()} for an announcement or a resync, retried with back-off (0.2 s doubling to 5 s, 8 times, about
     * 25 s) when it fails: the announcement is not repeated, and an override that never loads would leave this
     * instance out of a fleet-wide change, a kill switch included, until the next one.
     */
    public Uni<Void> reloadAnnounced() {
        // deferred: each attempt reads the generation afresh, or a local change during the retries would make every
        // later attempt skip applying what it read
        return Uni.createFrom().deferred(this::reload).onFailure().retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8);
    }

    /** Reloads that failed since startup (each attempt of a retried one counts). */
    public long reloadFailures() {
        return reloadFailures.get();
    }

    /** Loads every override from Redis (startup, announcements, after a subscription gap). */
    public Uni<Void> reload() {
        if (remote == null) {
            return Uni.createFrom().voidItem();
        }
        long started = generation.get();
        return remote.hashGetAll(hash).invoke(stored -> {
            // Checked and applied under the lock that local changes take: otherwise a change made while this
            // applies an older state would be overwritten by it.
            synchronized (this) {
                if (generation.get() == started) {
                    apply(stored);
                }
            }
        }).replaceWithVoid()
                .onFailure().invoke(t -> {
                    reloadFailures.incrementAndGet();
                    LOG.warnf("GCache could not load runtime overrides from Redis: %s", t);
                });
    }

    private void apply(Map<String, String> stored) {
        for (UseCase uc : useCases.values()) {
            for (CacheLayer layer : CacheLayer.values()) {
                String value = stored.get(uc.name() + "#" + layer);
                if (value == null) {
                    uc.override(layer, null, null);
                    continue;
                }
                try {
                    String[] parts = value.split("\\|", -1);
                    Duration ttl = parts[0].isEmpty() ? null : Duration.ofMillis(Long.parseLong(parts[0]));
                    Integer ramp = parts.length < 2 || parts[1].isEmpty() ? null : Integer.valueOf(parts[1]);
                    uc.override(layer, ttl, ramp);
                } catch (RuntimeException e) {
                    LOG.warnf("GCache ignored a malformed override %s#%s = %s", uc.name(), layer, value);
                }
            }
            String shadow = stored.get(uc.name() + "#" + SHADOW);
            Integer ramp = null;
            if (shadow != null) {
                try {
                    int r = Integer.parseInt(shadow.substring(shadow.indexOf('|') + 1));
                    if (r < 0 || r > 100) {
                        throw new IllegalArgumentException(String.valueOf(r));
                    }
                    ramp = r;
                } catch (RuntimeException e) {
                    LOG.warnf("GCache ignored a malformed override %s#%s = %s", uc.name(), SHADOW, shadow);
                }
            }
            uc.shadow().override(ramp);
        }
    }

    private void publish(String field, String value) {
        if (remote == null) {
            return;
        }
        // A reload that started while the write was under way may have read the hash before it: bump the generation
        // again once written, so such a reload is dropped. That may drop the reload of the write's own announcement
        // too (it can start before the reply arrives), so reload once more after the write: the last reload always
        // starts after the last write, and the local state ends as Redis has it.
        Uni<Void> write = remote.writeOverride(hash, field, value, channel)
                .onItemOrFailure().invoke(() -> generation.incrementAndGet())
                .onItem().call(() -> reload().onFailure().recoverWithNull());
        try {
            Blocking.awaitUnlessEventLoop(write,
                    t -> LOG.warnf("GCache override %s applied on this instance only: %s", field, t));
        } catch (RuntimeException e) {
            throw new IllegalStateException("The override of " + field + " applies to this instance only: Redis could "
                    + "not be written (" + e.getMessage() + ")", e);
        }
    }

    private UseCase known(String name) {
        UseCase uc = name == null ? null : useCases.get(name);
        if (uc == null) {
            throw new IllegalArgumentException("Unknown use case '" + name + "'; known: "
                    + useCases.keySet().stream().sorted().toList());
        }
        return uc;
    }

    private static UseCaseInfo info(UseCase uc) {
        UseCaseStats s = uc.stats();
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        if (uc.requestEnabled()) {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("requests", s.requests(StatLayer.REQUEST));
            c.put("hits", s.hits(StatLayer.REQUEST));
            c.put("misses", s.misses(StatLayer.REQUEST));
            counters.put(StatLayer.REQUEST.name(), c);
        }
        for (StatLayer layer : new StatLayer[] { StatLayer.LOCAL, StatLayer.REMOTE }) {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("requests", s.requests(layer));
            c.put("hits", s.hits(layer));
            c.put("misses", s.misses(layer));
            c.put("errors", s.errors(layer));
            for (DisabledReason reason : DisabledReason.values()) {
                if (reason != DisabledReason.CONTEXT) {
                    c.put("disabled." + reason.tag(), s.disabledCount(layer, reason));
                }
            }
            counters.put(layer.name(), c);
        }
        Map<String, Long> global = new HashMap<>();
        global.put("disabled.context", s.disabledCount(StatLayer.GLOBAL, DisabledReason.CONTEXT));
        global.put("errors", s.errors(StatLayer.GLOBAL));
        global.put("fallback_errors", s.fallbackErrors());
        counters.put("GLOBAL", global);
        long mean = uc.meanMethodNanos();
        long hits = s.hits(StatLayer.LOCAL) + s.hits(StatLayer.REMOTE) + (uc.requestEnabled() ? s.hits(StatLayer.REQUEST) : 0);
        return new UseCaseInfo(uc.name(), uc.keyType(), uc.policy(CacheLayer.LOCAL).describe(),
                uc.policy(CacheLayer.REMOTE).describe(), counters, uc.shadow().describe(),
                mean < 0 ? null : Duration.ofNanos(mean),
                Duration.ofNanos(mean <= 0 ? 0 : hits > Long.MAX_VALUE / mean ? Long.MAX_VALUE : hits * mean));
    }
}
