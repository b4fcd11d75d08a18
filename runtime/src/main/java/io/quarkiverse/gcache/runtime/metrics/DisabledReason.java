package io.quarkiverse.gcache.runtime.metrics;

/**
 * Why a layer was not used by a call; the {@code reason} tag of {@code gcache.disabled} (reference rules R16, R8a,
 * R11a, R30, R34).
 */
public enum DisabledReason {
    CONTEXT("context"),
    RAMPED_DOWN("ramped_down"),
    MISSING_CONFIG("missing_config"),
    CONFIG_ERROR("config_error"),
    SERVER_DOWN("server_down"),
    /** LOCAL of a tracked use case while invalidations cannot reach this instance (R8a). */
    INVALIDATION_GAP("invalidation_gap"),
    /** A caller stopped waiting for another caller's computation and ran the method itself (R11a). */
    WAIT_TIMEOUT("wait_timeout"),
    /** A key argument longer than {@code key.max-arg-length}: the call bypasses the cache, nothing is stored (R30). */
    KEY_TOO_LONG("key_too_long"),
    /** The enable scope itself invalidated the entity: its later reads bypass every layer (R34). */
    WRITTEN_IN_SCOPE("written_in_scope");

    private final String tag;

    DisabledReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
