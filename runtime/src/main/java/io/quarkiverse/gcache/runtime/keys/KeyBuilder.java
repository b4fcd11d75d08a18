package io.quarkiverse.gcache.runtime.keys;

import io.quarkiverse.gcache.GCacheKeyAdapter;

/**
 * Builds the URN of one call of one use case (SPEC R4/R5) from what the build recorded: the id extractor and the
 * key arguments, already sorted by name. Immutable and thread-safe; one StringBuilder per call is the only
 * allocation beyond the result when no component needs escaping.
 */
public final class KeyBuilder {

    private final String prefix;
    private final String keyType;
    private final boolean tracked;
    private final IdExtractor id;
    private final String[] argNames;
    private final int[] argIndexes;
    private final GCacheKeyAdapter<Object>[] adapters;
    private final String suffix;
    private final int sizeHint;

    public KeyBuilder(String prefix, String keyType, boolean tracked, IdExtractor id, String[] argNames,
            int[] argIndexes, GCacheKeyAdapter<Object>[] adapters, String useCase) {
        this.prefix = prefix;
        this.keyType = keyType;
        this.tracked = tracked;
        this.id = id;
        this.argNames = argNames;
        this.argIndexes = argIndexes;
        this.adapters = adapters;
        this.suffix = "#" + useCase;
        this.sizeHint = prefix.length() + keyType.length() + suffix.length() + 24 + 16 * argNames.length;
    }

    public String build(Object[] params) {
        StringBuilder sb = new StringBuilder(sizeHint);
        Urns.appendEntity(sb, prefix, keyType, KeyValues.toKeyString(id.extract(params)), tracked);
        for (int i = 0; i < argNames.length; i++) {
            sb.append(i == 0 ? '?' : '&');
            Object v = params[argIndexes[i]];
            GCacheKeyAdapter<Object> adapter = adapters[i];
            Urns.appendArg(sb, argNames[i], KeyValues.toKeyString(adapter == null ? v : adapter.toKey(v)));
        }
        return sb.append(suffix).toString();
    }

    public boolean tracked() {
        return tracked;
    }

}
