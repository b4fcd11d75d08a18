package io.quarkiverse.gcache.runtime.metrics;

/** Why a layer was not used by a call; the {@code reason} tag of {@code gcache.disabled} (SPEC R16). */
public enum DisabledReason {
    CONTEXT("context"),
    RAMPED_DOWN("ramped_down"),
    MISSING_CONFIG("missing_config"),
    CONFIG_ERROR("config_error"),
    SERVER_DOWN("server_down");

    private final String tag;

    DisabledReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
