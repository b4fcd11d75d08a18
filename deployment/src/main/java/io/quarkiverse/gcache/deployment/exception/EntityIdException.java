package io.quarkiverse.gcache.deployment.exception;

/**
 * The entity id is missing, given twice, names no parameter or property, or has no stable string form (reference
 * R4, R13).
 */
public final class EntityIdException extends GCacheDefinitionException {

    public EntityIdException(String declaration, String message) {
        super(declaration, message);
    }
}
