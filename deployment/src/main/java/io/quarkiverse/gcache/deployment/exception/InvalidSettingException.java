package io.quarkiverse.gcache.deployment.exception;

/**
 * An annotation attribute has a value the extension cannot use (reference R13): an empty key type, a TTL that is
 * not a duration or is negative, a ramp outside 0–100, a reserved use case name.
 */
public final class InvalidSettingException extends GCacheDefinitionException {

    private final String attribute;

    public InvalidSettingException(String declaration, String attribute, String message) {
        super(declaration, message);
        this.attribute = attribute;
    }

    /** The annotation attribute, e.g. {@code localTtl}. */
    public String attribute() {
        return attribute;
    }
}
