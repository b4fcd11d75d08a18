package io.quarkiverse.gcache.runtime.invalidation;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whether invalidations from other instances can reach this one right now (reference rule R8a). While the gap is
 * open — from startup until the first subscription, and from the loss of a subscription until it is back and the
 * instance has resynced — LOCAL of tracked use cases is neither read nor filled; REMOTE (protected by watermarks)
 * and the method still serve. Without Redis there is nobody to hear from, and the gap never opens.
 * <p>
 * One volatile read per call on the hot path.
 */
public final class InvalidationGap {

    private final CountDownLatch firstClose = new CountDownLatch(1);
    private volatile boolean open;

    public InvalidationGap(boolean open) {
        this.open = open;
    }

    public boolean isOpen() {
        return open;
    }

    void open() {
        open = true;
    }

    void close() {
        open = false;
        firstClose.countDown();
    }

    /** Waits until the gap has closed once (the first subscription), at most {@code timeout}. */
    public boolean awaitFirstClose(Duration timeout) {
        try {
            return !open || firstClose.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
