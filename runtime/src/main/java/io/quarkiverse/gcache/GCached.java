package io.quarkiverse.gcache;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Caches the results of a method read-through in the LOCAL (Caffeine) and REMOTE (Redis) layers.
 * <p>
 * Caching only happens inside an enable scope ({@link GCacheEnabled}, {@link GCache#enable()}); outside one the
 * method runs exactly as without this annotation (reference R1). Each layer is used only when it has a TTL and the ramp
 * draw for the call falls under its ramp (R2). The method must be non-private, non-static and return a value, a
 * {@code Uni<T>} or a {@code CompletionStage<T>} (R12); everything about it is validated at build time (R13).
 * <p>
 * The key is {@code urn:<keyType>:<id>?<arg>=<value>&...#<useCase>} (R4): the id comes from {@link #id()} or a
 * {@link GCacheId} parameter, every other parameter not marked {@link GCacheIgnore} is an argument.
 */
@InterceptorBinding
@Retention(RUNTIME)
@Target({ METHOD, TYPE }) // the build rejects it on classes
public @interface GCached {

    /** The kind of entity the id names, e.g. {@code user_id}. Required. */
    @Nonbinding
    String keyType();

    /**
     * The parameter that holds the entity id, optionally followed by a property path ({@code user.id}: getter,
     * record accessor or public field). Empty when a parameter carries {@link GCacheId} instead.
     */
    @Nonbinding
    String id() default "";

    /** The use case name, unique in the application; defaults to {@code SimpleClassName.methodName}. */
    @Nonbinding
    String useCase() default "";

    /** LOCAL TTL as ISO-8601 ({@code PT60S}) or the {@code 60s}/{@code 5m} form; empty = not set. */
    @Nonbinding
    String localTtl() default "";

    /** REMOTE TTL as ISO-8601 ({@code PT5M}) or the {@code 60s}/{@code 5m} form; empty = not set. */
    @Nonbinding
    String remoteTtl() default "";

    /** Share of calls (0–100) that use the LOCAL layer; -1 = not set. */
    @Nonbinding
    int localRamp() default -1;

    /** Share of calls (0–100) that use the REMOTE layer; -1 = not set. */
    @Nonbinding
    int remoteRamp() default -1;

    /** Whether the key takes part in entity invalidation (hash-tagged entity part, watermark check). */
    @Nonbinding
    boolean trackForInvalidation() default true;

    /** The codec of REMOTE values; the default is JSON through the application's Jackson {@code ObjectMapper}. */
    @Nonbinding
    Class<? extends GCacheSerializer> serializer() default GCacheSerializer.Default.class;
}
