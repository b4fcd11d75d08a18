package io.quarkiverse.gcache.deployment.exception;

/**
 * A parameter would be part of the key but has no stable string form, and neither an adapter nor
 * {@code @GCacheIgnore} (reference R4, R13).
 */
public final class UnstableKeyArgumentException extends GCacheDefinitionException {

    private final String parameter;

    public UnstableKeyArgumentException(String declaration, String parameter, String message) {
        super(declaration, message);
        this.parameter = parameter;
    }

    /** The parameter's name. */
    public String parameter() {
        return parameter;
    }
}
