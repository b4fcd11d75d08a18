package io.quarkiverse.gcache.test.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.metrics.DisabledReason;
import io.quarkiverse.gcache.runtime.metrics.StatLayer;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Single flight never strands a caller (reference rule R11a): a caller waiting on another caller's computation that
 * hangs gives up after {@code local.wait-timeout}, runs the method itself and takes the key over, so LOCAL holds its
 * value and later callers neither wait for the hung computation nor compute.
 */
class WaitTimeoutTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Waiters.class)
            .overrideConfigKey("quarkus.gcache.local.wait-timeout", "300ms");

    static final PrivateRedis REDIS = PrivateRedis.shared();

    @Inject
    GCache gcache;
    @Inject
    GCacheRuntime runtime;
    @Inject
    Waiters waiters;
    @Inject
    io.vertx.core.Vertx vertx;

    @BeforeEach
    void reset() {
        waiters.calls.set(0);
        waiters.release = new CountDownLatch(1);
        waiters.firstStarted = new CountDownLatch(1);
    }

    @Test
    void aSyncWaiterRunsTheMethodItselfAfterTheWaitTimeout() throws Exception {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> enabled(() -> {
            try {
                return waiters.sync("a");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThat(waiters.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        long waits = runtime.useCase("WaitSync").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT);
        long t0 = System.nanoTime();
        String second = enabled(() -> {
            try {
                return waiters.sync("a");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long waited = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertThat(second).isEqualTo("v-a");
        assertThat(waiters.calls).hasValue(2);
        assertThat(waited).isGreaterThanOrEqualTo(300);
        assertThat(runtime.useCase("WaitSync").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT))
                .isEqualTo(waits + 1);
        // the waiter took the key over: its value is in LOCAL, and the next caller neither waits nor computes
        String third = enabled(() -> {
            try {
                return waiters.sync("a");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(third).isEqualTo("v-a");
        assertThat(waiters.calls).as("a hit, while the first computation still hangs").hasValue(2);
        assertThat(runtime.useCase("WaitSync").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT))
                .isEqualTo(waits + 1);
        waiters.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v-a");
        System.out.printf("GCACHE wait timeout: the second caller waited %d ms (wait-timeout 300 ms)%n", waited);
    }

    /**
     * R12: a sync caller on an event loop never waits for another caller's computation. It computes, and since it did
     * not wait out the other, it takes nothing over: its value does not fill LOCAL, the first computation's does.
     */
    @Test
    void anEventLoopCallerComputesWithoutTakingTheKeyOver() throws Exception {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> enabled(() -> sync("c")));
        assertThat(waiters.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> onEventLoop = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                onEventLoop.complete(enabled(() -> sync("c")));
            } catch (Throwable t) {
                onEventLoop.completeExceptionally(t);
            }
        });
        assertThat(onEventLoop.get(5, TimeUnit.SECONDS)).isEqualTo("v-c");
        assertThat(waiters.calls).hasValue(2);
        assertThat(runtime.useCase("WaitSync").localKeys()).as("the event loop's value did not fill LOCAL")
                .doesNotContain("{urn:w:c}#WaitSync");
        waiters.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v-c");
        assertThat(runtime.useCase("WaitSync").localKeys()).contains("{urn:w:c}#WaitSync");
    }

    private String sync(String id) {
        try {
            return waiters.sync(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReactiveWaiterRunsTheMethodItselfAfterTheWaitTimeout() throws Exception {
        CompletableFuture<String> first = enabled(() -> uni("b")).subscribeAsCompletionStage().toCompletableFuture();
        assertThat(waiters.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        long waits = runtime.useCase("WaitUni").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT);
        String second = enabled(() -> uni("b")).await().atMost(Duration.ofSeconds(5));
        assertThat(second).isEqualTo("v-b");
        assertThat(waiters.calls).hasValue(2);
        assertThat(runtime.useCase("WaitUni").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT))
                .isEqualTo(waits + 1);
        assertThat(enabled(() -> uni("b")).await().atMost(Duration.ofSeconds(5))).isEqualTo("v-b");
        assertThat(waiters.calls).as("a hit, while the first computation still hangs").hasValue(2);
        assertThat(runtime.useCase("WaitUni").stats().disabledCount(StatLayer.LOCAL, DisabledReason.WAIT_TIMEOUT))
                .isEqualTo(waits + 1);
        waiters.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v-b");
        // the hung computation, once done, is what LOCAL serves
        assertThat(runtime.useCase("WaitUni").localKeys()).contains("{urn:w:b}#WaitUni");
    }

    private io.smallrye.mutiny.Uni<String> uni(String id) {
        try {
            return waiters.uni(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T enabled(java.util.function.Supplier<T> call) {
        try (GCache.Scope scope = gcache.enable()) {
            return call.get();
        }
    }
}
