package io.quarkiverse.gcache.runtime.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one use case, per layer (reference R16). {@link LongAdder}s: contention-free on the hot path, read by the
 * metrics binding, the management endpoint and the Dev UI. All counters are created up front; counting never
 * allocates or looks anything up. Every counter is indexed by {@link StatLayer} (a call site holding a
 * {@code CacheLayer} converts with {@link StatLayer#of}), so writers and readers agree on the layout.
 */
public final class UseCaseStats {

    private static final int LAYERS = StatLayer.values().length;
    private static final int REASONS = DisabledReason.values().length;
    private static final int MISS_REASONS = MissReason.values().length;

    private final LongAdder[] requests = adders(LAYERS);
    private final LongAdder[] misses = adders(LAYERS * MISS_REASONS);
    private final LongAdder[] errors = adders(LAYERS);
    private final LongAdder[] errorsByKind = adders(LAYERS * ErrorKind.values().length);
    private final LongAdder fallbackErrors = new LongAdder();
    private final LongAdder[] disabled = adders(LAYERS * REASONS);

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    public void request(StatLayer layer) {
        requests[layer.ordinal()].increment();
    }

    public void miss(StatLayer layer, MissReason reason) {
        misses[layer.ordinal() * MISS_REASONS + reason.ordinal()].increment();
    }

    public void error(StatLayer layer, ErrorKind kind) {
        errors[layer.ordinal()].increment();
        errorsByKind[layer.ordinal() * ErrorKind.values().length + kind.ordinal()].increment();
    }

    public void fallbackError() {
        fallbackErrors.increment();
    }

    public long errors(StatLayer layer, ErrorKind kind) {
        return errorsByKind[layer.ordinal() * ErrorKind.values().length + kind.ordinal()].sum();
    }

    public long fallbackErrors() {
        return fallbackErrors.sum();
    }

    public void disabled(StatLayer layer, DisabledReason reason) {
        disabled[layer.ordinal() * REASONS + reason.ordinal()].increment();
    }

    /** The counter behind {@link #disabled}, for a hot call site that counts one reason only. */
    public LongAdder disabledCounter(StatLayer layer, DisabledReason reason) {
        return disabled[layer.ordinal() * REASONS + reason.ordinal()];
    }

    public long requests(StatLayer layer) {
        return requests[layer.ordinal()].sum();
    }

    public long misses(StatLayer layer) {
        long sum = 0;
        for (int r = 0; r < MISS_REASONS; r++) {
            sum += misses[layer.ordinal() * MISS_REASONS + r].sum();
        }
        return sum;
    }

    public long misses(StatLayer layer, MissReason reason) {
        return misses[layer.ordinal() * MISS_REASONS + reason.ordinal()].sum();
    }

    /** Requests that were served by the layer. */
    public long hits(StatLayer layer) {
        return requests(layer) - misses(layer);
    }

    public long errors(StatLayer layer) {
        return errors[layer.ordinal()].sum();
    }

    public long disabledCount(StatLayer layer, DisabledReason reason) {
        return disabled[layer.ordinal() * REASONS + reason.ordinal()].sum();
    }
}
