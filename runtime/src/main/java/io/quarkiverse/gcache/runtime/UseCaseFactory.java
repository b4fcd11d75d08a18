package io.quarkiverse.gcache.runtime;

import java.lang.reflect.Type;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCacheConfigProvider;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.GCacheKeyAdapter;
import io.quarkiverse.gcache.GCacheSerializer;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.control.LayerPolicy;
import io.quarkiverse.gcache.runtime.invalidation.InvalidationLog;
import io.quarkiverse.gcache.runtime.keys.IdExtractor;
import io.quarkiverse.gcache.runtime.keys.IdSource;
import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkiverse.gcache.runtime.keys.KeyBuilder;
import io.quarkiverse.gcache.runtime.keys.KeyForms;
import io.quarkiverse.gcache.runtime.keys.ParameterIdExtractor;
import io.quarkiverse.gcache.runtime.layers.JsonSerializer;
import io.quarkiverse.gcache.runtime.layers.LocalLayer;
import io.quarkiverse.gcache.runtime.layers.ValueTypes;
import io.quarkiverse.gcache.runtime.shadow.UseCaseShadow;
import io.quarkiverse.gcache.runtime.tracing.Tracing;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Turns the recorded {@link CachedMethod}s into {@link UseCase}s at startup: merges annotation and
 * {@code application.properties} (R3), builds the key builder (R4), loads the value type (R14) and instantiates
 * adapters and serializers once.
 */
final class UseCaseFactory {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UseCaseFactory.class);

    private final GCacheConfig config;
    private final GCacheConfigProvider provider;
    private final JsonSerializer json;

    private final InvalidationLog log;
    private final Tracing tracing;

    UseCaseFactory(GCacheConfig config, GCacheConfigProvider provider, ObjectMapper applicationMapper,
            InvalidationLog log, Tracing tracing) {
        this.config = config;
        this.tracing = tracing;
        this.log = log;
        this.provider = provider;
        this.json = new JsonSerializer(withValueModules(applicationMapper));
        if (config.key().maxArgLength() < 1) {
            throw new IllegalArgumentException(
                    "quarkus.gcache.key.max-arg-length must be at least 1, got " + config.key().maxArgLength());
        }
    }

    /** One use case from what the build recorded about its method and the run-time configuration. */
    UseCase create(CachedMethod m) {
        GCacheConfig.UseCase props = config.useCase().get(m.useCase());
        LayerPolicy local = policy(m.useCase(), CacheLayer.LOCAL, props == null ? null : props.local(), m.localTtl(),
                m.localRamp(), provider);
        LayerPolicy remotePolicy = policy(m.useCase(), CacheLayer.REMOTE, props == null ? null : props.remote(),
                m.remoteTtl(), m.remoteRamp(), provider);
        KeyBuilder keys = new KeyBuilder(config.urnPrefix(), m.keyType(), m.tracked(), idExtractor(m.id()),
                m.args().stream().map(KeyArg::name).toArray(String[]::new),
                m.args().stream().mapToInt(KeyArg::parameter).toArray(), adapters(m), encoders(m),
                config.key().maxArgLength(), m.useCase());
        Type valueType = ValueTypes.parse(m.valueType(), Thread.currentThread().getContextClassLoader());
        GCacheSerializer serializer = m.serializer() == null ? json : instance(m.serializer(), GCacheSerializer.class);
        if (m.remoteRefused() != null && props != null
                && (props.remote().ttl().isPresent() || props.remote().ramp().isPresent())) {
            LOG.warnf("GCache use case %s keeps REMOTE off although its run-time settings configure it (R31): %s",
                    m.useCase(), m.remoteRefused());
        }
        Integer shadowRamp = null;
        if (props != null && props.shadow().ramp().isPresent()) {
            shadowRamp = props.shadow().ramp().getAsInt();
            if (shadowRamp < 0 || shadowRamp > 100) {
                throw new IllegalArgumentException("quarkus.gcache.use-case.\"" + m.useCase()
                        + "\".shadow.ramp must be between 0 and 100, got " + shadowRamp);
            }
        }
        return new UseCase(m.useCase(), m.keyType(), m.declaration(), m.kind(), keys, valueType,
                m.valueShape(), serializer, local, remotePolicy,
                new LocalLayer(config.local().maximumSize(), keys.keyIsId()), log.of(m.keyType()),
                props != null && props.request().enabled(), props != null && props.local().earlyRefresh(),
                props != null && props.remote().earlyRefresh(),
                new UseCaseShadow(shadowRamp, config.shadow().minSamples()), tracing, m.remoteRefused());
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
            Integer annotationRamp, GCacheConfigProvider provider) {
        Duration ttl = annotationTtl == null ? null : DurationConverter.parseDuration(annotationTtl);
        int ramp = annotationRamp == null ? LayerPolicy.NOT_SET : annotationRamp;
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

    static IdExtractor idExtractor(IdSource id) {
        return id.extractor() == null ? new ParameterIdExtractor(id.parameter()) : instance(id.extractor(), IdExtractor.class);
    }

    @SuppressWarnings("unchecked")
    private static GCacheKeyAdapter<Object>[] adapters(CachedMethod m) {
        GCacheKeyAdapter<Object>[] adapters = new GCacheKeyAdapter[m.args().size()];
        for (int i = 0; i < adapters.length; i++) {
            String name = m.args().get(i).adapter();
            adapters[i] = name == null ? null : instance(name, GCacheKeyAdapter.class);
        }
        return adapters;
    }

    /** R30: the composite encoders the build planned, parsed once. */
    private static KeyForms.Encoder[] encoders(CachedMethod m) {
        KeyForms.Encoder[] encoders = new KeyForms.Encoder[m.args().size()];
        for (int i = 0; i < encoders.length; i++) {
            String form = m.args().get(i).form();
            encoders[i] = form == null ? null : KeyForms.parse(form, Thread.currentThread().getContextClassLoader());
        }
        return encoders;
    }

    /** The CDI bean of that class if there is one, else an instance made with its no-arg constructor. */
    static <T> T instance(String className, Class<T> type) {
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
}
