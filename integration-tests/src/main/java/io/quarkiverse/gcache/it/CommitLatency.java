package io.quarkiverse.gcache.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code demo.db.commit-latency} (default 0): holds the commit of a write transaction that long, after its rows are
 * flushed, as a slow or remote database does. Readers in that window read the old committed row, so the window in which
 * an invalidation made before the commit would be undone is visible from outside.
 */
@Singleton
public class CommitLatency {

    @Inject
    TransactionSynchronizationRegistry registry;
    @ConfigProperty(name = "demo.db.commit-latency", defaultValue = "0")
    Duration latency;

    /** Makes the current transaction wait {@code demo.db.commit-latency} just before it commits. */
    void hold() {
        if (latency.isZero()) {
            return;
        }
        registry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                LockSupport.parkNanos(latency.toNanos());
            }

            @Override
            public void afterCompletion(int status) {
            }
        });
    }
}
