package io.quarkiverse.gcache;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import io.quarkiverse.gcache.runtime.keys.Urns;

/**
 * The identity of one cached value: key type, entity id, arguments (sorted by name) and use case (reference R4).
 * Immutable.
 */
public final class GCacheKey {

    private final String keyType;
    private final String id;
    private final SortedMap<String, String> args;
    private final String useCase;

    public GCacheKey(String keyType, String id, Map<String, String> args, String useCase) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
        this.id = Objects.requireNonNull(id, "id");
        this.args = Collections.unmodifiableSortedMap(new TreeMap<>(args == null ? Map.of() : args));
        this.useCase = Objects.requireNonNull(useCase, "useCase");
    }

    public static GCacheKey of(String keyType, String id, String useCase) {
        return new GCacheKey(keyType, id, Map.of(), useCase);
    }

    public String keyType() {
        return keyType;
    }

    public String id() {
        return id;
    }

    public SortedMap<String, String> args() {
        return args;
    }

    public String useCase() {
        return useCase;
    }

    /** The URN with prefix {@code urn}, tracked for invalidation. */
    public String urn() {
        return urn(Urns.DEFAULT_PREFIX, true);
    }

    /** The URN as stored in Redis (R4, escaped per R5). */
    public String urn(String prefix, boolean trackForInvalidation) {
        StringBuilder sb = new StringBuilder(64);
        Urns.appendEntity(sb, prefix, keyType, id, trackForInvalidation);
        char sep = '?';
        for (Map.Entry<String, String> e : args.entrySet()) {
            sb.append(sep);
            Urns.appendArg(sb, e.getKey(), e.getValue());
            sep = '&';
        }
        return sb.append('#').append(useCase).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GCacheKey k && keyType.equals(k.keyType) && id.equals(k.id) && args.equals(k.args)
                && useCase.equals(k.useCase);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyType, id, args, useCase);
    }

    @Override
    public String toString() {
        return urn();
    }
}
