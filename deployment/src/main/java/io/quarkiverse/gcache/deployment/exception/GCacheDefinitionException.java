package io.quarkiverse.gcache.deployment.exception;

import jakarta.enterprise.inject.spi.DeploymentException;

/**
 * A {@code @GCached} or {@code @GCacheInvalidate} declaration the build rejects (reference R12, R13). Every message
 * starts with the declaration ({@code com.acme.Users#find}) and says how to fix it. The build reports all of them at
 * once, through ArC's validation, before the application can start.
 */
public abstract class GCacheDefinitionException extends DeploymentException {

    private final String declaration;

    protected GCacheDefinitionException(String declaration, String message) {
        super(declaration + ": " + message);
        this.declaration = declaration;
    }

    /** {@code Class#method} (or the class) the error is about. */
    public String declaration() {
        return declaration;
    }
}
