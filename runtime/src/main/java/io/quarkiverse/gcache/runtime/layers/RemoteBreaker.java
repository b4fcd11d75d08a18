package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Skips the REMOTE layer while Redis is failing (R10, disabled reason {@code server_down}): after
 * {@value #THRESHOLD} consecutive failed operations it opens for a pause, then lets a single call probe; a success
 * closes it, a failure opens it again. So an outage costs each call nothing once detected, and recovery needs no
 * operator. Lock-free; a healthy call reads one volatile field.
 */
public final class RemoteBreaker {

    static final int THRESHOLD = 5;

    private final long pauseNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean open;
    private volatile long openUntil;

    public RemoteBreaker(long pauseMillis) {
        this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMillis);
    }

    /** Whether this call may use REMOTE; while open only the one probe after each pause may. */
    public boolean allow() {
        if (!open) {
            return true;
        }
        return System.nanoTime() - openUntil >= 0 && probing.compareAndSet(false, true);
    }

    public void success() {
        if (open || consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
            open = false;
            probing.set(false);
        }
    }

    public void failure() {
        if (consecutiveFailures.incrementAndGet() >= THRESHOLD || open) {
            openUntil = System.nanoTime() + pauseNanos;
            open = true;
            probing.set(false);
        }
    }

}
