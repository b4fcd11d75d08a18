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
import io.quarkiverse.gcache.runtime.invoke.Blocking;
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
 * the hash. Instances load it at startup, after any gap in their subscription, and every {@link #CHECK_MILLIS}.
 * <p>
 * R27: an explicit removal stores {@link #CLEARED}; it never deletes the field. So a field that is absent while an
 * override is in force here was lost by Redis (restart without persistence, FLUSHALL, eviction, failover): the
 * override stays in force and is written back, only if the field is still absent (another instance may have written
 * it back first). R29: a field whose value is bad is ignored, counted and logged; what is in force stays.
 * <p>
 * A change Redis refuses (down, timing out) stays in force here and is kept as pending: it is retried, every reload
 * first tries the pending changes, and no reload overwrites a pending field with what the hash holds. Without that,
 * the first reload after Redis came back would silently undo a kill switch set during the outage. A pending change
 * is written only if the field still holds what this instance last saw there: a change another instance stored
 * meanwhile stands, and the pending one is dropped (logged). So neither an instance cut off for hours nor a retry
 * racing a newer change of this instance's can put an older value over a newer one.
 */
public final class RuntimeControl implements GCacheControl {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.gcache");
    /** The field suffix of a shadow ramp override (R22). */
    static final String SHADOW = "SHADOW";
    /**
     * The value an explicit removal stores (R27): an override of neither TTL nor ramp. A field that is absent was lost
     * (or never set), never removed on purpose, so loss is told apart from removal by what the hash holds, which every
     * instance reads, and not by an announcement that an instance may miss. Instances before R27 read it as "cleared".
     */
    static final String CLEARED = "|";
    /** How often the hash is read to find overrides Redis lost without a gap in the subscription (FLUSHALL, R27). */
    static final long CHECK_MILLIS = 5_000;

    private final Map<String, ? extends ControlledUseCase> useCases;
    private final RemoteLayer remote;
    private final String hash;
    private final String channel;
    /** Bumped by every local change; a reload that raced one is dropped (the change's own announcement reloads). */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    /** Local changes Redis refused, by field, until written; guarded by itself, with {@link #started}. */
    private final Map<String, Pending> pending = new HashMap<>();
    /** By field, what this instance last saw in the hash (loaded or written); absent: no such field. Guarded by this. */
    private final Map<String, String> seen = new HashMap<>();
    /** By field, the generation of the newest local change whose write has begun: an older one must not win. */
    private final Map<String, Long> started = new HashMap<>();
    /** Whether a periodic check is under way (a slow Redis must not pile them up). */
    private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A change to write: the field's value ({@code null}: removed), the generation of the change, and what the field
     * held as far as this instance knew when the change was made ({@code null}: absent). {@code restore}: not a change
     * but an override in force that Redis lost, written back (R27).
     */
    private record Pending(String value, long generation, String base, boolean restore) {
    }

    public RuntimeControl(Map<String, ? extends ControlledUseCase> useCases, RemoteLayer remote, String prefix) {
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
        useCases.values().stream().sorted(Comparator.comparing(ControlledUseCase::name)).forEach(uc -> all.add(info(uc)));
        return all;
    }

    @Override
    public UseCaseInfo useCase(String name) {
        return info(known(name));
    }

    @Override
    public void override(String useCase, CacheLayer layer, Duration ttl, Integer ramp) {
        ControlledUseCase uc = known(useCase);
        if (layer == null) {
            throw new IllegalArgumentException("layer is required (LOCAL or REMOTE)");
        }
        // R29: refused before anything changes, here or in Redis
        String problem = ramp == null ? null : LayerPolicy.checkRamp(ramp);
        if (problem == null && ttl != null) {
            problem = LayerPolicy.checkTtl(ttl);
        }
        if (problem != null) {
            String message = problem + ", got ttl=" + ttl + ", ramp=" + ramp;
            uc.badOverride(StatLayer.of(layer), "override of " + useCase + "#" + layer + " refused: " + message);
            throw new IllegalArgumentException(message);
        }
        change(useCase + "#" + layer, value(ttl, ramp), () -> uc.override(layer, ttl, ramp));
    }

    /** The hash value of a layer override; {@link #CLEARED} when neither part is overridden. */
    private static String value(Duration ttl, Integer ramp) {
        return (ttl == null ? "" : String.valueOf(ttl.toMillis())) + "|" + (ramp == null ? "" : String.valueOf(ramp));
    }

    @Override
    public void clearOverride(String useCase, CacheLayer layer) {
        ControlledUseCase uc = known(useCase);
        if (layer == null) {
            throw new IllegalArgumentException("layer is required (LOCAL or REMOTE)");
        }
        // R27: stored as CLEARED, not removed: other instances must tell this from a loss
        change(useCase + "#" + layer, CLEARED, () -> uc.override(layer, null, null));
    }

    @Override
    public void overrideShadowRamp(String useCase, Integer ramp) {
        ControlledUseCase uc = known(useCase);
        String problem = ramp == null ? null : LayerPolicy.checkRamp(ramp);
        if (problem != null) {
            uc.badOverride(StatLayer.GLOBAL, "override of " + useCase + "#" + SHADOW + " refused: shadow " + problem
                    + ", got " + ramp);
            throw new IllegalArgumentException("shadow " + problem + ", got " + ramp);
        }
        change(useCase + "#" + SHADOW, ramp == null ? CLEARED : "|" + ramp, () -> uc.shadow().override(ramp));
    }

    /**
     * R29: control input refused before it reached {@link #override} (the management endpoint's body): counted and
     * logged for the use case when it is known ({@code target}: {@code LOCAL}, {@code REMOTE} or {@code SHADOW}).
     */
    public void refused(String useCase, String target, String problem) {
        ControlledUseCase uc = useCase == null ? null : useCases.get(useCase);
        if (uc == null) {
            return;
        }
        StatLayer layer = "LOCAL".equalsIgnoreCase(target) ? StatLayer.LOCAL
                : "REMOTE".equalsIgnoreCase(target) ? StatLayer.REMOTE : StatLayer.GLOBAL;
        uc.badOverride(layer, "override of " + useCase + "#" + target + " refused: " + problem);
    }

    /**
     * {@link #reload()} for an announcement or a resync, retried with back-off (0.2 s doubling to 5 s, 8 times, about
     * 25 s) when it fails: the announcement is not repeated, and an override that never loads would leave this
     * instance out of a fleet-wide change, a kill switch included, until the next one.
     */
    public Uni<Void> reloadAnnounced() {
        // deferred: each attempt reads the generation afresh, or a local change during the retries would make every
        // later attempt skip applying what it read
        return retried(this::reload);
    }

    /** {@code attempt}, each time afresh, retried with back-off: 0.2 s doubling to 5 s, 8 times (about 25 s). */
    private static Uni<Void> retried(java.util.function.Supplier<Uni<Void>> attempt) {
        return Uni.createFrom().deferred(attempt::get).onFailure().retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8);
    }

    /** Reloads that failed since startup (each attempt of a retried one counts). */
    public long reloadFailures() {
        return reloadFailures.get();
    }

    /**
     * Tries the pending changes, then loads every override from Redis (startup, announcements, after a subscription
     * gap). Fails when the hash could not be read; a pending change Redis still refuses stays pending and does not
     * stop the load (Redis may serve reads and refuse writes: full, read-only, an ACL).
     */
    public Uni<Void> reload() {
        return load(false);
    }

    /**
     * Reads the hash every {@link #CHECK_MILLIS} on {@code vertx}'s timer (R27): Redis can lose it without a gap in
     * the subscription ({@code FLUSHALL}, eviction), and what it lost must be written back before the next instance
     * starts without it. Returns the timer id.
     */
    public long startChecks(io.vertx.core.Vertx vertx) {
        return vertx.setPeriodic(CHECK_MILLIS, id -> {
            if (checking.compareAndSet(false, true)) {
                load(true).onTermination().invoke(() -> checking.set(false)).subscribe().with(ok -> {
                }, t -> {
                });
            }
        });
    }

    /** {@link #reload()}; {@code quiet}: a periodic check, whose failures (Redis down) are logged at debug only. */
    private Uni<Void> load(boolean quiet) {
        if (remote == null) {
            return Uni.createFrom().voidItem();
        }
        long[] started = new long[1];
        return writePending().onFailure().invoke(t -> LOG.debugf("GCache pending overrides not written yet: %s", t))
                .onFailure().recoverWithNull().chain(() -> {
                    started[0] = generation.get();
                    return remote.hashGetAll(hash);
                }).chain(stored -> {
                    // Checked and applied under the lock that local changes take: otherwise a change made while this
                    // applies an older state would be overwritten by it.
                    boolean lost;
                    synchronized (this) {
                        lost = generation.get() == started[0] && apply(stored);
                    }
                    return !lost ? Uni.createFrom().voidItem()
                            : writePending().onFailure()
                                    .invoke(t -> LOG.debugf("GCache lost overrides not written back yet: %s", t))
                                    .onFailure().recoverWithNull();
                }).replaceWithVoid()
                .onFailure().invoke(t -> {
                    if (quiet) {
                        LOG.debugf("GCache could not check runtime overrides in Redis: %s", t);
                    } else {
                        reloadFailures.incrementAndGet();
                        LOG.warnf("GCache could not load runtime overrides from Redis: %s", t);
                    }
                });
    }

    /**
     * Applies what the hash holds; caller holds this. A field holding a bad value is ignored (R29: what is in force
     * stays). A field that is absent while an override is in force here was lost, not removed (an explicit removal
     * stores {@link #CLEARED}): the override stays in force and is queued to be written back (R27). Returns whether
     * one was.
     */
    private boolean apply(Map<String, String> stored) {
        boolean lost = false;
        for (ControlledUseCase uc : useCases.values()) {
            for (CacheLayer layer : CacheLayer.values()) {
                String field = uc.name() + "#" + layer;
                if (isPending(field)) {
                    continue; // this instance's own newer change, not written yet
                }
                String value = stored.get(field);
                String before = seen(field, value);
                LayerPolicy policy = uc.policy(layer);
                if (value == null) {
                    lost |= lost(field, value(policy.overrideTtl(), policy.overrideRamp()));
                    continue;
                }
                try {
                    String[] parts = parts(value);
                    Duration ttl = parts[0].isEmpty() ? null : Duration.ofMillis(Long.parseLong(parts[0]));
                    Integer ramp = parts[1].isEmpty() ? null : Integer.valueOf(parts[1]);
                    uc.override(layer, ttl, ramp); // validates before it changes anything
                } catch (IllegalArgumentException e) {
                    bad(uc, StatLayer.of(layer), field, value, before, e);
                }
            }
            String field = uc.name() + "#" + SHADOW;
            if (isPending(field)) {
                continue;
            }
            String shadow = stored.get(field);
            String before = seen(field, shadow);
            if (shadow == null) {
                Integer inForce = uc.shadow().overrideRamp();
                lost |= lost(field, inForce == null ? CLEARED : "|" + inForce);
                continue;
            }
            try {
                String[] parts = parts(shadow);
                if (!parts[0].isEmpty()) {
                    throw new IllegalArgumentException("a shadow override has no TTL");
                }
                Integer ramp = parts[1].isEmpty() ? null : Integer.valueOf(parts[1]);
                String problem = ramp == null ? null : LayerPolicy.checkRamp(ramp);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                uc.shadow().override(ramp);
            } catch (IllegalArgumentException e) {
                bad(uc, StatLayer.GLOBAL, field, shadow, before, e);
            }
        }
        return lost;
    }

    /** {@code <ttl>|<ramp>} split in two, or {@link IllegalArgumentException}. */
    private static String[] parts(String value) {
        String[] parts = value.split("\\|", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not of the form <ttl ms>|<ramp>");
        }
        return parts;
    }

    /** R29: counted and logged once per bad value a field takes (reloads find it again and again). */
    private static void bad(ControlledUseCase uc, StatLayer layer, String field, String value, String before,
            IllegalArgumentException e) {
        if (!value.equals(before)) {
            uc.badOverride(layer, "overrides hash field " + field + " = '" + value + "' ignored (" + e.getMessage()
                    + "); the previous value stays in force");
        }
    }

    /**
     * R27: {@code field} is absent from the hash; when an override is in force here ({@code inForce} is not
     * {@link #CLEARED}) it stays, and is queued to be written back if the field is still absent. Caller holds this.
     */
    private boolean lost(String field, String inForce) {
        if (CLEARED.equals(inForce)) {
            return false;
        }
        synchronized (pending) {
            if (pending.containsKey(field)) {
                return false;
            }
            pending.put(field, new Pending(inForce, generation.get(), null, true));
        }
        LOG.warnf("GCache override %s = %s is missing from Redis, and no instance removed it (Redis restarted without "
                + "persistence, FLUSHALL, eviction, failover): it stays in force and is written back", field, inForce);
        return true;
    }

    /**
     * Applies a local change here, under the lock reloads apply under (see {@link #reload()}), then stores {@code value}
     * ({@code null}: removes the field) for the fleet.
     */
    private void change(String field, String value, Runnable applyHere) {
        long change;
        String base;
        synchronized (this) {
            change = generation.incrementAndGet();
            base = seen.get(field);
            applyHere.run();
        }
        publish(field, value, change, base);
    }

    /** Caller holds this. Returns what was seen before. */
    private String seen(String field, String value) {
        return value == null ? seen.remove(field) : seen.put(field, value);
    }

    private void publish(String field, String value, long change, String base) {
        if (remote == null) {
            return;
        }
        synchronized (pending) {
            started.merge(field, change, Math::max);
        }
        // A reload that started while the write was under way may have read the hash before it: bump the generation
        // again once written, so such a reload is dropped. That may drop the reload of the write's own announcement
        // too (it can start before the reply arrives), so reload once more after the write: the last reload always
        // starts after the last write, and the local state ends as Redis has it.
        Uni<Void> write = remote.writeOverride(hash, field, value, channel)
                .onItemOrFailure().invoke((ok, failure) -> ended(field, value, change, base, failure == null))
                .onItemOrFailure().invoke(() -> generation.incrementAndGet())
                .onItem().call(() -> reload().onFailure().recoverWithNull());
        try {
            Blocking.awaitUnlessEventLoop(write,
                    t -> LOG.warnf("GCache override %s applied on this instance only: %s", field, t));
        } catch (RuntimeException e) {
            throw new IllegalStateException("The override of " + field + " applies to this instance only: Redis could "
                    + "not be written (" + e.getMessage() + "); it is written for the fleet when Redis answers again", e);
        }
    }

    /** Records how the write of a local change ended; a refused one becomes pending, and a retry starts. */
    private void ended(String field, String value, long change, String base, boolean written) {
        boolean retry = false;
        synchronized (this) {
            if (written) {
                seen(field, value);
            }
            synchronized (pending) {
                Pending p = pending.get(field);
                if (written) {
                    if (p != null && p.generation() <= change) {
                        pending.remove(field);
                    }
                } else if (started.getOrDefault(field, change) <= change && (p == null || p.generation() < change)) {
                    // refused, and no newer change of the field has begun (that one's write decides); an earlier
                    // pending change of the field was never written, so what the field held stays the base
                    pending.put(field, new Pending(value, change, p == null ? base : p.base(), false));
                    retry = true;
                }
            }
        }
        if (retry) {
            // reloads try the pending changes too (announcements, the resync after an outage), but a refused write
            // need not have cost the subscription
            retried(this::writePending).subscribe().with(ok -> {
            }, t -> LOG.debugf("GCache pending overrides not written yet: %s", t));
        }
    }

    /** Another instance changed the field while this one could not write its change: theirs stands. */
    private void superseded(String field, Pending p) {
        boolean dropped;
        synchronized (pending) {
            dropped = pending.remove(field, p);
        }
        if (dropped && p.restore()) {
            // another instance wrote the field back first, or changed it: what it holds now stands
            LOG.debugf("GCache did not write back the lost override %s: the field holds a value again", field);
            reloadAnnounced().subscribe().with(ok -> {
            }, t -> {
            });
        } else if (dropped) {
            LOG.warnf("GCache dropped the override of %s made on this instance while Redis could not be written: "
                    + "another instance changed it meanwhile, and that change stands", field);
            // its announcement was skipped here while the field was pending: load what stands
            reloadAnnounced().subscribe().with(ok -> {
            }, t -> {
            });
        }
    }

    private boolean isPending(String field) {
        synchronized (pending) {
            return pending.containsKey(field);
        }
    }

    private boolean stillPending(String field, Pending p) {
        synchronized (pending) {
            return pending.get(field) == p && started.getOrDefault(field, 0L) <= p.generation();
        }
    }

    /**
     * Writes (and announces) each pending change whose field still holds what this instance last saw, one after the
     * other; drops one whose field another instance changed meanwhile. Fails at the first refused.
     */
    private Uni<Void> writePending() {
        List<Map.Entry<String, Pending>> waiting;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            waiting = new ArrayList<>(pending.entrySet());
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<String, Pending> e : waiting) {
            String field = e.getKey();
            Pending p = e.getValue();
            // skipped when a newer change of the field took its place meanwhile
            all = all.chain(() -> !stillPending(field, p) ? Uni.createFrom().voidItem()
                    : remote.writeOverrideIf(hash, field, p.value(), p.base(), channel).invoke(written -> {
                        if (written) {
                            ended(field, p.value(), p.generation(), p.base(), true);
                        } else {
                            superseded(field, p);
                        }
                    }).replaceWithVoid());
        }
        // a reload that read the hash before these writes must not apply what it read
        return all.invoke(() -> generation.incrementAndGet());
    }

    private ControlledUseCase known(String name) {
        ControlledUseCase uc = name == null ? null : useCases.get(name);
        if (uc == null) {
            throw new IllegalArgumentException("Unknown use case '" + name + "'; known: "
                    + useCases.keySet().stream().sorted().toList());
        }
        return uc;
    }

    private static UseCaseInfo info(ControlledUseCase uc) {
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
