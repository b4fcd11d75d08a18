package io.quarkiverse.gcache.deployment.exception;

/**
 * A use case that can use REMOTE declares a value type whose values cannot come back from REMOTE as what was stored
 * (reference R31): {@code Object}, an interface or abstract class without Jackson type information, or a class with
 * subclasses the method may return.
 */
public final class ValueRoundTripException extends GCacheDefinitionException {

    private final String type;

    public ValueRoundTripException(String declaration, String type, String message) {
        super(declaration, message);
        this.type = type;
    }

    /** The part of the declared value type that cannot round-trip, e.g. {@code com.acme.Animal}. */
    public String type() {
        return type;
    }
}
