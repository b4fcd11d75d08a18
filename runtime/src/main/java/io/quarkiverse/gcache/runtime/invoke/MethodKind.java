package io.quarkiverse.gcache.runtime.invoke;

/** How an intercepted method returns its result; decided at build time from the declared return type. */
public enum MethodKind {
    /** A plain value, returned on the caller's thread. */
    SYNC,
    /** A {@code Uni<T>}. */
    UNI,
    /** A {@code CompletionStage<T>} or {@code CompletableFuture<T>}. */
    COMPLETION_STAGE
}
