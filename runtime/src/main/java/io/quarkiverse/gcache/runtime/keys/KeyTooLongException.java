package io.quarkiverse.gcache.runtime.keys;

/**
 * A key argument longer than {@code quarkus.gcache.key.max-arg-length} (reference R30): the call bypasses the cache,
 * counted as {@code disabled{reason=key_too_long}}. Not a failure, so it has no stack trace and is not logged.
 */
public final class KeyTooLongException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The one instance: it carries nothing but its type. */
    public static final KeyTooLongException INSTANCE = new KeyTooLongException();

    private KeyTooLongException() {
        super("a key argument is longer than quarkus.gcache.key.max-arg-length", null, false, false);
    }
}
