package io.quarkiverse.gcache.deployment.exception;

/**
 * The annotated element cannot be intercepted or cached as declared (reference R12): a private or static method, a
 * method returning {@code void} or a stream, a reactive type without its item type, a value type the build cannot
 * name, or the annotation on a class.
 */
public final class UnsupportedMethodException extends GCacheDefinitionException {

    public UnsupportedMethodException(String declaration, String message) {
        super(declaration, message);
    }
}
