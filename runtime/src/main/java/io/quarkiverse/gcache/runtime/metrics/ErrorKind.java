package io.quarkiverse.gcache.runtime.metrics;

/** The {@code error} tag of {@code gcache.errors} for failures of the cache machinery (R10, R16). */
public enum ErrorKind {
    KEY_BUILDING("key_building"),
    REDIS("redis"),
    SERIALIZATION("serialization"),
    CONFIG_PROVIDER("config_provider");

    private final String tag;

    ErrorKind(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
