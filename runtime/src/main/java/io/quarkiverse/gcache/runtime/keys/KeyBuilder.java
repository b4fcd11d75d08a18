package io.quarkiverse.gcache.runtime.keys;

import io.quarkiverse.gcache.GCacheKeyAdapter;

/**
 * Builds the keys of one use case (reference rules R4, R5) from what the build recorded: the id extractor and the
 * key arguments, already sorted by name. Immutable and thread-safe.
 * <p>
 * Two forms. The <em>local key</em> is what varies between calls: the escaped id, then {@code ?arg=value&...} when
 * the use case has arguments. Each use case has its own LOCAL layer, so the constant parts (prefix, key type, use
 * case) would only repeat there: a LOCAL hit builds the local key only, which for a {@code String} id that needs no
 * escaping is the caller's own string (no allocation). The <em>full key</em> is the URN of R4, built from the local
 * key when REMOTE is used: {@code {urn:user_id:7}?page=2#UseCase}.
 * <p>
 * R30: an argument of a composite type (record, collection, array, map) is written component by component by the
 * {@link KeyForms.Encoder} the build planned for it; a {@code null} argument is its name alone; an argument whose part
 * of the key (escaped) is longer than {@code key.max-arg-length} ends key building with {@link KeyTooLongException}.
 */
public final class KeyBuilder {

    private final boolean tracked;
    private final IdExtractor id;
    private final String[] argNames;
    private final int[] argIndexes;
    private final GCacheKeyAdapter<Object>[] adapters;
    /** Per argument: its composite encoder, {@code null} for the plain form (scalars, adapters). */
    private final KeyForms.Encoder[] encoders;
    private final int maxArgLength;
    private final String suffix;
    private final int sizeHint;
    /** The constant start of every key, "{urn:user_id:" (tracked) or "urn:user_id:", key type escaped. */
    private final String head;
    /** What follows the id when there are no arguments: "}#UseCase" (tracked) or "#UseCase". */
    private final String tail;
    private final String entityEnd;

    /** Plain arguments only, without a length limit. */
    public KeyBuilder(String prefix, String keyType, boolean tracked, IdExtractor id, String[] argNames,
            int[] argIndexes, GCacheKeyAdapter<Object>[] adapters, String useCase) {
        this(prefix, keyType, tracked, id, argNames, argIndexes, adapters, new KeyForms.Encoder[argNames.length],
                Integer.MAX_VALUE, useCase);
    }

    /**
     * @param encoders per argument, its composite encoder or {@code null}
     * @param maxArgLength the longest an argument's part of the key may be ({@code key.max-arg-length})
     */
    public KeyBuilder(String prefix, String keyType, boolean tracked, IdExtractor id, String[] argNames,
            int[] argIndexes, GCacheKeyAdapter<Object>[] adapters, KeyForms.Encoder[] encoders, int maxArgLength,
            String useCase) {
        this.encoders = encoders;
        this.maxArgLength = maxArgLength;
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

    /** The local key of a call: the escaped id, then the arguments if the use case has any. */
    public String localKey(Object[] params) {
        String escapedId = Urns.escape(KeyValues.toKeyString(id.extract(params)));
        if (argNames.length == 0) {
            return escapedId;
        }
        StringBuilder sb = new StringBuilder(escapedId.length() + 16 * argNames.length).append(escapedId);
        for (int i = 0; i < argNames.length; i++) {
            sb.append(i == 0 ? '?' : '&');
            Object v = params[argIndexes[i]];
            GCacheKeyAdapter<Object> adapter = adapters[i];
            if (adapter != null) {
                v = adapter.toKey(v);
            }
            if (v == null) {
                Urns.appendArg(sb, argNames[i], null);
                continue;
            }
            Urns.appendEscaped(sb, argNames[i]);
            sb.append('=');
            int start = sb.length();
            // the limit is relative to the argument's own start, without overflowing
            int limit = maxArgLength > Integer.MAX_VALUE - start ? Integer.MAX_VALUE : start + maxArgLength;
            if (encoders[i] != null) {
                encoders[i].append(sb, v, limit);
            } else {
                String s = KeyValues.toKeyString(v);
                if (s.length() > maxArgLength) { // escaping only lengthens it
                    throw KeyTooLongException.INSTANCE;
                }
                Urns.appendEscaped(sb, s);
            }
            if (sb.length() > limit) {
                throw KeyTooLongException.INSTANCE;
            }
        }
        return sb.toString();
    }

    /** The full key (URN) of a local key. */
    public String fullKey(String localKey) {
        if (argNames.length == 0) {
            return head + localKey + tail;
        }
        int query = idLength(localKey);
        return new StringBuilder(sizeHint + localKey.length()).append(head).append(localKey, 0, query)
                .append(entityEnd).append(localKey, query, localKey.length()).append(suffix).toString();
    }

    /** The full key of a call: {@code fullKey(localKey(params))}. */
    public String build(Object[] params) {
        return fullKey(localKey(params));
    }

    /**
     * The length of the escaped id a local key starts with, whatever its use case: the id is escaped, so its first raw
     * {@code ?}, if any, starts the arguments. For lookups by id without copying it ({@code InvalidationLog}).
     */
    public static int idLength(String localKey) {
        int query = localKey.indexOf('?');
        return query < 0 ? localKey.length() : query;
    }

    /** Whether local keys are the escaped id alone (no arguments): one key per entity. */
    public boolean keyIsId() {
        return argNames.length == 0;
    }

    /** The local key of a full key of this use case, or {@code null} when it is not one. */
    public String localKeyOf(String fullKey) {
        if (!fullKey.startsWith(head) || !fullKey.endsWith(suffix)) {
            return null;
        }
        String middle = fullKey.substring(head.length(), fullKey.length() - suffix.length());
        if (argNames.length == 0) {
            return middle.endsWith(entityEnd) && middle.indexOf('?') < 0
                    ? middle.substring(0, middle.length() - entityEnd.length())
                    : null;
        }
        int query = middle.indexOf('?');
        if (query < entityEnd.length() || !middle.startsWith(entityEnd, query - entityEnd.length())) {
            return null;
        }
        return middle.substring(0, query - entityEnd.length()) + middle.substring(query);
    }

    public boolean tracked() {
        return tracked;
    }

}
