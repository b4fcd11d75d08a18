package io.quarkiverse.gcache.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import io.quarkiverse.gcache.GCache;
import io.quarkus.arc.Arc;

/**
 * The state of benchmarks that measure cache hits: each iteration runs inside an enable scope, opened once per
 * iteration rather than per call (the scope is thread-bound: JMH runs iteration fixtures on the thread that then runs
 * the measurement loop), and a trial fails when one of {@link #hitBodies()} ran more than a handful of times, since it
 * then measured misses.
 */
abstract class ScopedHits {

    Subject subject;
    GCache gcache;
    GCache.Scope scope;

    /** Looks up the beans; call first in the trial's setup. */
    void lookUp() {
        subject = Arc.container().instance(Subject.class).get();
        gcache = Arc.container().instance(GCache.class).get();
    }

    /** The method bodies that must not have run during the trial. */
    abstract Body[] hitBodies();

    @Setup(Level.Iteration)
    public void enable() {
        scope = gcache.enable();
    }

    @TearDown(Level.Iteration)
    public void disable() {
        scope.close();
    }

    @TearDown(Level.Trial)
    public void check(BenchmarkParams params) {
        Body.requireHits(params.getBenchmark(), hitBodies());
    }
}
