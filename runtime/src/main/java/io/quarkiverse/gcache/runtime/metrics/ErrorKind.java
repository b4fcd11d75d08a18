package io.quarkiverse.gcache.runtime.metrics;

/** The {@code error} tag of {@code gcache.errors} for failures of the cache machinery (R10, R16). */
public enum ErrorKind {
    KEY_BUILDING("key_building"),
    REDIS("redis"),
    SERIALIZATION("serialization"),
    CONFIG_PROVIDER("config_provider"),
    /** A REMOTE value over {@code remote.max-value-size}: not written, or deleted when found (R14a). */
    VALUE_TOO_LARGE("value_too_large"),
    /** A REMOTE value with a bad header, an unknown format version, or a creation time in the future (R14a). */
    CORRUPT("corrupt"),
    /** A runtime override or provider value that is out of range or does not parse: ignored (R29). */
    BAD_OVERRIDE("bad_override");

    private final String tag;

    ErrorKind(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
