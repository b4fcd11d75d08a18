package io.quarkiverse.gcache.runtime.layers;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.infrastructure.MutinyScheduler;

/**
 * GCache's own timer (reference rule R28): every timeout of a Redis operation, and every timed wait for another
 * caller's computation, fires here, never as a task queued on the application's worker pool. The callers that wait
 * are the ones holding that pool: with it full (a Redis stall is exactly when it fills), a timeout queued behind them
 * would never fire, and with a bounded {@code quarkus.thread-pool.queue-size} it would be rejected and strand its
 * caller for good.
 * <p>
 * Three parts, all daemon threads:
 * <ul>
 * <li>{@link #sweeper()}: one thread for the periodic sweep of {@link OperationTimeouts}; its work is short.</li>
 * <li>{@link #delivery()}: where a timeout is delivered, so that what runs downstream of it (a caller's fallback, a
 * reactive method subscribed without a Vert.x context) never holds back other timeouts. At most
 * {@value #DELIVERY_THREADS} threads, no queue; when all are busy the timer thread delivers itself (a bounded pool
 * that never rejects).</li>
 * <li>{@link #scheduler()}: a scheduler for Mutiny's time operators ({@code ifNoItem().after(..).on(..)},
 * {@code delayIt().onExecutor(..)}) whose tasks run on {@link #delivery()}.</li>
 * </ul>
 * Obligation: {@link #close()} at shutdown.
 */
public final class CacheTimer implements AutoCloseable {

    static final int DELIVERY_THREADS = 16;

    private final ScheduledThreadPoolExecutor sweeper;
    private final ThreadPoolExecutor delivery;
    private final MutinyScheduler scheduler;

    public CacheTimer() {
        sweeper = new ScheduledThreadPoolExecutor(1, daemon("gcache-timer"));
        sweeper.setRemoveOnCancelPolicy(true);
        delivery = new ThreadPoolExecutor(1, DELIVERY_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("gcache-timeout"), new ThreadPoolExecutor.CallerRunsPolicy());
        delivery.allowCoreThreadTimeOut(true);
        scheduler = new MutinyScheduler(delivery);
        scheduler.setThreadFactory(daemon("gcache-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Runs the periodic timeout sweep. */
    public ScheduledExecutorService sweeper() {
        return sweeper;
    }

    /** Runs what follows a timeout. */
    public Executor delivery() {
        return delivery;
    }

    /** For Mutiny's time operators; tasks run on {@link #delivery()}. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        scheduler.shutdownNow();
        delivery.shutdown();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
