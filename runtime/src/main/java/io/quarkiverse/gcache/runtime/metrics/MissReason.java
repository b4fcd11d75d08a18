package io.quarkiverse.gcache.runtime.metrics;

/**
 * Why a layer did not serve a value; the {@code reason} tag of {@code gcache.misses} (reference rules R16, R14b).
 * Only {@link #ERROR} also counts an error.
 */
public enum MissReason {
    /** No entry (never stored, expired, evicted). */
    ABSENT("absent"),
    /** An entry older than its entity's latest invalidation (R6, R6a). */
    STALE("stale"),
    /** An entry written for another shape of the value type, e.g. by the previous deploy (R14b). */
    SCHEMA("schema"),
    /** Redis failed, or the entry was unreadable, corrupt or too large (R10, R14, R14a). */
    ERROR("error"),
    /** A live entry this call recomputes before it expires, chosen by early refresh (R21); others keep it meanwhile. */
    EARLY_REFRESH("early_refresh");

    private final String tag;

    MissReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
