package io.quarkiverse.gcache.runtime;

import java.util.List;

import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.keys.IdSource;
import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * What the build decided about one {@code @GCached} method (recorded bytecode, read at startup). In all recorded
 * data, {@code null} means "not set"; durations are the annotation's strings, already validated at build time.
 *
 * @param declaration {@code Class#method}, for messages
 * @param args the key arguments other than the id, sorted by name (R4)
 * @param localTtl {@code @GCached(localTtl)}, or {@code null}
 * @param remoteTtl {@code @GCached(remoteTtl)}, or {@code null}
 * @param localRamp {@code @GCached(localRamp)}, or {@code null}
 * @param remoteRamp {@code @GCached(remoteRamp)}, or {@code null}
 * @param valueType canonical Jackson form of the cached value type ({@code T} of {@code Uni<T>})
 * @param serializer serializer class, or {@code null} for JSON
 * @param valueShape fingerprint of the value type's shape (R14b)
 * @param remoteRefused why values of this use case cannot round-trip through REMOTE when the build found REMOTE
 *        configured nowhere (R31): REMOTE then stays off; {@code null} when they can, or the serializer is custom
 */
public record CachedMethod(String useCase, String keyType, String declaration, MethodKind kind, IdSource id,
        List<KeyArg> args, String localTtl, String remoteTtl, Integer localRamp, Integer remoteRamp, boolean tracked,
        String valueType, String serializer, long valueShape, String remoteRefused) {

    @RecordableConstructor
    public CachedMethod {
    }
}
