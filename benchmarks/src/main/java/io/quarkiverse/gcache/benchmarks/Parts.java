package io.quarkiverse.gcache.benchmarks;

import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import io.quarkiverse.gcache.runtime.scope.EnableScopes;
import io.vertx.core.Vertx;

/**
 * Rows 7: what the pieces of a cached call cost on their own, to read rows 1 and 5 against. Outside an enable scope a
 * {@code @GCached} call must at least ask whether a scope is open (a thread local, and the Vert.x context's locals)
 * and count the call exactly (R1); a timed hit reads the clock twice.
 */
@State(Scope.Thread)
public class Parts {
    LongAdder adder = new LongAdder();
    static final ThreadLocal<Object> THREAD_LOCAL = new ThreadLocal<>();

    @Benchmark
    public boolean isEnabled() {
        return EnableScopes.isEnabled();
    }

    @Benchmark
    public Object vertxContext() {
        return Vertx.currentContext();
    }

    @Benchmark
    public Object threadLocal() {
        return THREAD_LOCAL.get();
    }

    @Benchmark
    public void adder() {
        adder.increment();
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
