package io.quarkiverse.gcache.runtime;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheKeyAdapter;
import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.runtime.control.GCacheBuildConfig;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.control.RuntimeControl;
import io.quarkiverse.gcache.runtime.invalidation.InvalidateMethod;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationSubscriber;
import io.quarkiverse.gcache.runtime.invalidation.Invalidator;
import io.quarkiverse.gcache.runtime.keys.IdExtractor;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.keys.ParameterIdExtractor;
import io.quarkiverse.gcache.runtime.layers.JsonSerializer;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.layers.ValueTypes;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
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

    private ObjectMapper valueMapper;
    private Map<String, UseCase> useCases;
    private Map<java.lang.reflect.Method, Invalidation> invalidations;
    private RemoteLayer remote;
    private ReadThrough readThrough;
    private Invalidator invalidator;
    private RuntimeControl control;
    private volatile InvalidationSubscriber subscriber;

    @PostConstruct
    void init() {
        remote = connectRemote();
        GCacheConfigProvider provider = providers.isResolvable() ? providers.get() : null;
        valueMapper = withValueModules(objectMapper);
        JsonSerializer json = new JsonSerializer(valueMapper);
        Map<String, UseCase> all = new LinkedHashMap<>();
        for (CachedMethod m : cachedMethods.methods()) {
            all.put(m.useCase(), assemble(m, provider, json));
        }
        useCases = Collections.unmodifiableMap(all);
        InvalidationLog log = new InvalidationLog(TimeUnit.HOURS.toNanos(1));
        for (UseCase uc : all.values()) {
            Duration ttl = uc.policy(CacheLayer.LOCAL).staticTtl();
            if (ttl != null) {
                log.retention(ttl.toNanos());
            }
        }
        invalidator = new Invalidator(config.urnPrefix(), all.values(), remote, log);
        readThrough = new ReadThrough(remote, log);
        control = new RuntimeControl(useCases, remote, config.urnPrefix());
        Map<java.lang.reflect.Method, Invalidation> byMethod = new java.util.HashMap<>();
        for (InvalidateMethod m : invalidateMethods.methods()) {
            IdExtractor id = m.idExtractor() == null ? new ParameterIdExtractor(m.idParameter())
                    : instance(m.idExtractor(), IdExtractor.class);
            byMethod.put(findMethod(m), new Invalidation(m, id));
        }
        invalidations = byMethod;
        warnUnknownUseCases();
    }

    void onStart(@Observes StartupEvent event) {
        // Observing startup makes the assembly (and its configuration errors) happen at boot, not on the first call.
        if (remote != null) {
            try {
                control.reload().await().atMost(config.remote().timeout().multipliedBy(4));
            } catch (RuntimeException e) {
                LOG.warnf("GCache starts without runtime overrides: %s", e.getMessage());
            }
            subscriber = new InvalidationSubscriber(remote.client(), vertx, invalidator, control.channel(),
                    () -> control.reload().subscribe().with(ok -> {
                    }, t -> {
                    }));
            subscriber.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.stop();
        }
    }

    /** A {@code @GCacheInvalidate} method with its id extractor. */
    public record Invalidation(InvalidateMethod method, IdExtractor extractor) {
        public String id(Object[] params) {
            return io.quarkiverse.gcache.runtime.keys.KeyValues.toKeyString(extractor.extract(params));
        }
    }

    public Invalidation invalidation(java.lang.reflect.Method method) {
        return invalidations.get(method);
    }

    private static java.lang.reflect.Method findMethod(InvalidateMethod m) {
        try {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            Class<?>[] types = new Class<?>[m.parameterTypes().size()];
            for (int i = 0; i < types.length; i++) {
                String name = m.parameterTypes().get(i);
                types[i] = switch (name) {
                    case "boolean" -> boolean.class;
                    case "byte" -> byte.class;
                    case "char" -> char.class;
                    case "short" -> short.class;
                    case "int" -> int.class;
                    case "long" -> long.class;
                    case "float" -> float.class;
                    case "double" -> double.class;
                    default -> Class.forName(name, false, cl);
                };
            }
            return Class.forName(m.declaringClass(), false, cl).getDeclaredMethod(m.methodName(), types);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("GCache cannot find @GCacheInvalidate method " + m, e);
        }
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

    private UseCase assemble(CachedMethod m, GCacheConfigProvider provider, JsonSerializer json) {
        GCacheConfig.UseCase props = config.useCase().get(m.useCase());
        LayerPolicy local = policy(m.useCase(), CacheLayer.LOCAL, props == null ? null : props.local(), m.localTtl(),
                m.localRamp(), provider);
        LayerPolicy remotePolicy = policy(m.useCase(), CacheLayer.REMOTE, props == null ? null : props.remote(),
                m.remoteTtl(), m.remoteRamp(), provider);
        KeyBuilder keys = new KeyBuilder(config.urnPrefix(), m.keyType(), m.tracked(), idExtractor(m),
                m.argNames().toArray(String[]::new), m.argIndexes().stream().mapToInt(Integer::intValue).toArray(),
                adapters(m), m.useCase());
        Type valueType = ValueTypes.parse(m.valueType(), Thread.currentThread().getContextClassLoader());
        GCacheSerializer serializer = m.serializer().isEmpty() ? json : instance(m.serializer(), GCacheSerializer.class);
        return new UseCase(m.useCase(), m.keyType(), m.declaration(), UseCase.Kind.valueOf(m.kind()), keys, valueType,
                serializer, local, remotePolicy, new LocalLayer(config.local().maximumSize()));
    }

    /**
     * R14 promises Optional and java.time values round-trip; the application's mapper keeps its settings but gets
     * those modules on a copy if it lacks them.
     */
    private static ObjectMapper withValueModules(ObjectMapper mapper) {
        Jdk8Module jdk8 = new Jdk8Module();
        JavaTimeModule time = new JavaTimeModule();
        boolean hasJdk8 = mapper.getRegisteredModuleIds().contains(jdk8.getTypeId());
        boolean hasTime = mapper.getRegisteredModuleIds().contains(time.getTypeId());
        if (hasJdk8 && hasTime) {
            return mapper;
        }
        ObjectMapper copy = mapper.copy();
        if (!hasJdk8) {
            copy.registerModule(jdk8);
        }
        if (!hasTime) {
            copy.registerModule(time);
        }
        return copy;
    }

    private static LayerPolicy policy(String useCase, CacheLayer layer, GCacheConfig.Layer props, String annotationTtl,
            int annotationRamp, GCacheConfigProvider provider) {
        Duration ttl = annotationTtl.isEmpty() ? null : DurationConverter.parseDuration(annotationTtl);
        int ramp = annotationRamp;
        GCacheControl.Source ttlSource = GCacheControl.Source.ANNOTATION;
        GCacheControl.Source rampSource = GCacheControl.Source.ANNOTATION;
        if (props != null) {
            if (props.ttl().isPresent()) {
                ttl = props.ttl().get();
                ttlSource = GCacheControl.Source.PROPERTIES;
            }
            if (props.ramp().isPresent()) {
                ramp = props.ramp().getAsInt();
                rampSource = GCacheControl.Source.PROPERTIES;
            }
            if (ramp > 100 || (props.ramp().isPresent() && ramp < 0)) {
                throw new IllegalArgumentException("quarkus.gcache.use-case.\"" + useCase + "\"."
                        + layer.name().toLowerCase() + ".ramp must be between 0 and 100, got " + ramp);
            }
        }
        return new LayerPolicy(useCase, layer, ttl, ttlSource, ramp, rampSource, provider);
    }

    private static IdExtractor idExtractor(CachedMethod m) {
        return m.idExtractor() == null ? new ParameterIdExtractor(m.idParameter())
                : instance(m.idExtractor(), IdExtractor.class);
    }

    @SuppressWarnings("unchecked")
    private static GCacheKeyAdapter<Object>[] adapters(CachedMethod m) {
        GCacheKeyAdapter<Object>[] adapters = new GCacheKeyAdapter[m.argAdapters().size()];
        for (int i = 0; i < adapters.length; i++) {
            String name = m.argAdapters().get(i);
            adapters[i] = name.isEmpty() ? null : instance(name, GCacheKeyAdapter.class);
        }
        return adapters;
    }

    /** The CDI bean of that class if there is one, else an instance made with its no-arg constructor. */
    private static <T> T instance(String className, Class<T> type) {
        try {
            Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            InstanceHandle<?> bean = Arc.container().instance(c);
            if (bean.isAvailable()) {
                return type.cast(bean.get());
            }
            var constructor = c.getDeclaredConstructor();
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("GCache cannot instantiate " + className, e);
        }
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
        return new RemoteLayer(redis.get(), config.remote().timeout());
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
