package io.quarkiverse.gcache.runtime.invoke;

import java.time.Duration;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * The one rule for a synchronous API that needs a Redis operation to finish: wait for it, except on a Vert.x event
 * loop, where waiting would stall every request of that loop (reference R12). There the operation is started and runs
 * to its end without the caller.
 */
public final class Blocking {

    /**
     * The longest a caller waits here (R28): every operation passed in is already bounded on GCache's own timer, one
     * {@code remote.timeout} per Redis round trip; this cap is a backstop, so that even a timer that never fires cannot
     * hang a caller. Four round trips plus a second (a watermark write, its replication wait, its broadcast).
     */
    private static volatile Duration backstop = Duration.ofSeconds(2);

    private Blocking() {
    }

    /** Sets the backstop from {@code remote.timeout} (at startup). */
    public static void configure(Duration remoteTimeout) {
        backstop = remoteTimeout.multipliedBy(4).plusSeconds(1);
    }

    /**
     * Runs {@code operation} and waits for it, or, on an event loop, only subscribes to it.
     *
     * @param lateFailure receives the failure of an operation nobody waited for; {@code null} to ignore it
     * @return {@code true} when the caller waited and the operation succeeded; {@code false} when it was only started
     * @throws RuntimeException the operation's failure (or Mutiny's {@code TimeoutException} past the backstop), when
     *         the caller waited
     */
    public static boolean awaitUnlessEventLoop(Uni<?> operation, Consumer<Throwable> lateFailure) {
        if (Context.isOnEventLoopThread()) {
            operation.subscribe().with(ok -> {
            }, failure -> {
                if (lateFailure != null) {
                    lateFailure.accept(failure);
                }
            });
            return false;
        }
        operation.await().atMost(backstop);
        return true;
    }
}
