package io.quarkiverse.gcache.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import io.quarkiverse.gcache.GCache;
import io.quarkus.arc.Arc;

/**
 * Rows 5: what @GCached costs where caching is off (no enable scope), against an empty interceptor and none; 5a–5c on
 * an empty method, 5d–5f on one that works.
 */
@State(Scope.Thread)
public class InterceptorOverhead {

    String id = "42";
    Subject subject;

    @Setup(Level.Trial)
    public void setUp() {
        subject = Arc.container().instance(Subject.class).get();
        if (Arc.container().instance(GCache.class).get().isEnabled()) {
            throw new IllegalStateException("an enable scope leaked into the benchmark thread");
        }
        Body.reset();
    }

    /** Outside a scope @GCached must run the method every time; a body that never ran means it served a cache. */
    @TearDown(Level.Trial)
    public void check(BenchmarkParams params) {
        if (Body.HIT.runs + Body.NOOP.runs + Body.PLAIN.runs + Body.WORK.runs == 0) {
            throw new IllegalStateException(params.getBenchmark() + " never ran the method's body");
        }
    }

    @Benchmark
    public User gcachedNoScope() {
        return subject.hit(id);
    }

    @Benchmark
    public User emptyInterceptor() {
        return subject.noop(id);
    }

    @Benchmark
    public User plainMethod() {
        return subject.plain(id);
    }

    @Benchmark
    public User gcachedNoScopeWork() {
        return subject.hitWork(id);
    }

    @Benchmark
    public User emptyInterceptorWork() {
        return subject.noopWork(id);
    }

    @Benchmark
    public User plainMethodWork() {
        return subject.plainWork(id);
    }
}
