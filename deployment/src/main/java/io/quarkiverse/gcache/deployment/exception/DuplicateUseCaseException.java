package io.quarkiverse.gcache.deployment.exception;

/** Two {@code @GCached} methods resolve to the same use case name (reference R13): their keys would collide. */
public final class DuplicateUseCaseException extends GCacheDefinitionException {

    private final String useCase;

    public DuplicateUseCaseException(String declaration, String useCase, String message) {
        super(declaration, message);
        this.useCase = useCase;
    }

    public String useCase() {
        return useCase;
    }
}
