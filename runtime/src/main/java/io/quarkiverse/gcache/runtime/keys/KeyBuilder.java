package io.quarkiverse.gcache.runtime.keys;

import io.quarkiverse.gcache.GCacheKeyAdapter;

/**
 * Builds the URN of one call of one use case (reference rules R4, R5) from what the build recorded: the id extractor
 * and the key arguments, already sorted by name. Immutable and thread-safe. The constant parts are joined once;
 * a key without arguments whose id needs no escaping is one concatenation, allocating only the result (the key is
 * most of what a LOCAL hit allocates).
 */
public final class KeyBuilder {

    private final boolean tracked;
    private final IdExtractor id;
    private final String[] argNames;
    private final int[] argIndexes;
    private final GCacheKeyAdapter<Object>[] adapters;
    private final String suffix;
    private final int sizeHint;
    /** The constant start of every key, "{urn:user_id:" (tracked) or "urn:user_id:", key type escaped. */
    private final String head;
    /** What follows the id when there are no arguments: "}#UseCase" (tracked) or "#UseCase". */
    private final String tail;
    private final String entityEnd;

    public KeyBuilder(String prefix, String keyType, boolean tracked, IdExtractor id, String[] argNames,
            int[] argIndexes, GCacheKeyAdapter<Object>[] adapters, String useCase) {
        this.tracked = tracked;
        this.id = id;
        this.argNames = argNames;
        this.argIndexes = argIndexes;
        this.adapters = adapters;
        this.suffix = "#" + useCase;
        this.sizeHint = prefix.length() + keyType.length() + suffix.length() + 24 + 16 * argNames.length;
        this.head = (tracked ? "{" : "") + prefix + ":" + Urns.escape(keyType) + ":";
        this.entityEnd = tracked ? "}" : "";
        this.tail = entityEnd + suffix;
    }

    public String build(Object[] params) {
        String escapedId = Urns.escape(KeyValues.toKeyString(id.extract(params)));
        if (argNames.length == 0) {
            return head + escapedId + tail;
        }
        StringBuilder sb = new StringBuilder(sizeHint).append(head).append(escapedId).append(entityEnd);
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
