package io.quarkiverse.gcache.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.gcache.GCache;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Runs every benchmark inside this Quarkus application, each in a JVM of its own, then writes {@code results.md} next
 * to {@code quarkus-app/}. Usage: {@code java -jar benchmarks/target/quarkus-app/quarkus-run.jar [--quick] [--only
 * REGEX]}: {@code --quick} is a smoke run; {@code --only} runs just the benchmarks whose {@code Class.method} the regex
 * finds, and the memory probe only if it finds {@code memory}. {@code --child FILE} is how this application runs
 * itself for one benchmark.
 * <p>
 * JMH runs with forks 0, in this JVM, so the benchmarks call real ArC beans (client proxy, interceptor chain) of
 * the running application. That works without class-loading tricks because of how the packaged application runs:
 * jmh-core, the application classes, the JMH-generated {@code *_jmhTest} classes and {@code META-INF/BenchmarkList}
 * are all in the one class loader that loads this class (Quarkus' RunnerClassLoader), which is also the thread
 * context class loader of the main thread; JMH finds the list through its own class loader and the generated
 * classes with {@code Class.forName}, and its worker threads inherit the context class loader. In dev or test mode
 * (several class loaders) this would not hold, which is why this is a packaged application and not a test.
 */
@QuarkusMain
public class BenchMain implements QuarkusApplication {

    // Injection points also keep these beans from being removed as unused: the JMH states look them up.
    @Inject
    Redis redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    GCache gcache;
    @Inject
    MemorySubject memorySubject;

    public static void main(String... args) throws Exception {
        LocalRedis redis = LocalRedis.start();
        // Run-time configuration, read when Quarkus starts: the REMOTE layer and the anchors use this server.
        System.setProperty("quarkus.redis.hosts", redis.uri());
        int[] exit = { 1 };
        Quarkus.run(BenchMain.class, (code, failure) -> {
            exit[0] = code;
            if (failure != null) {
                failure.printStackTrace();
            }
        }, args);
        redis.stop();
        System.exit(exit[0]);
    }

    @Override
    public int run(String... args) throws Exception {
        List<String> argList = List.of(args);
        boolean quick = argList.contains("--quick");
        int at = argList.indexOf("--only");
        Pattern only = Pattern.compile(at >= 0 && at + 1 < args.length ? args[at + 1] : "");
        int out = argList.indexOf("--child");
        if (out >= 0) {
            return child(quick, only, Path.of(args[out + 1]));
        }
        Map<String, Report.Measured> results = new LinkedHashMap<>();
        Map<String, long[]> commandStats = new TreeMap<>();
        List<String> benchmarks = new ArrayList<>(select(only, IN_PROCESS));
        benchmarks.addAll(select(only, RemoteHits.class));
        for (String benchmark : benchmarks) {
            runChild(quick, benchmark, results, commandStats);
        }
        String server = redis(Request.cmd(Command.INFO).arg("server"));
        List<MemoryProbe.Row> memory = only.matcher("memory").find() ? MemoryProbe.run(memorySubject, gcache) : List.of();

        String markdown = Report.markdown(quick, results, commandStats, server, memory);
        Path file = outputFile();
        Files.writeString(file, markdown);
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + file.toAbsolutePath().normalize());
        return 0;
    }

    /** {@code Class.method} (simple class name) of every benchmark of {@code classes} that {@code only} finds. */
    private static List<String> select(Pattern only, Class<?>... classes) {
        List<String> selected = new ArrayList<>();
        for (Class<?> c : classes) {
            List<String> names = new ArrayList<>();
            for (Method m : c.getMethods()) {
                if (m.isAnnotationPresent(Benchmark.class) && only.matcher(c.getSimpleName() + "." + m.getName()).find()) {
                    names.add(c.getSimpleName() + "." + m.getName());
                }
            }
            names.sort(null);
            selected.addAll(names);
        }
        return selected;
    }

    /** The benchmarks that need no Redis; the REMOTE ones ({@link RemoteHits}) run after them. */
    private static final Class<?>[] IN_PROCESS = { LocalHits.class, LargeCacheHits.class, InterceptorOverhead.class,
            Parts.class };

    /**
     * Runs one benchmark in a fresh JVM: this application again, with {@code --child}. In one JVM, the benchmarks that
     * ran before would leave their profile in the code they share (ArC's interceptor chain, the client proxy), and a
     * row's time would depend on the order: row 1 measured 81-83 ns alone and 98-109 ns after the quarkus-cache row.
     */
    private static void runChild(boolean quick, String benchmark, Map<String, Report.Measured> results,
            Map<String, long[]> commandStats) throws Exception {
        Path part = Files.createTempFile("gcache-bench-", ".tsv");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // the parent's JVM options (heap, GC, diagnostics), but not a debugger agent: its port is the parent's
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp"))
                .forEach(command::add);
        command.addAll(List.of("-jar", quarkusApp().resolve("quarkus-run.jar").toString(),
                "--only", "^" + Pattern.quote(benchmark) + "$", "--child", part.toString()));
        if (quick) {
            command.add("--quick");
        }
        Process child = new ProcessBuilder(command).inheritIO().start();
        if (child.waitFor() != 0) {
            throw new IllegalStateException(benchmark + ": the benchmark JVM failed (exit " + child.exitValue() + ")");
        }
        for (String line : Files.readAllLines(part)) {
            String[] f = line.split("\t");
            if (f[0].equals("result")) {
                results.put(f[1], new Report.Measured(Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
            } else if (f[0].equals("cmdstat")) { // each REMOTE row's JVM resets the statistics: they are its own
                commandStats.put(benchmark + " " + f[1], new long[] { Long.parseLong(f[2]), Long.parseLong(f[3]) });
            }
        }
        Files.delete(part);
    }

    /** A benchmark JVM: runs what {@code only} selects, in this JVM, and writes its results to {@code part}. */
    private int child(boolean quick, Pattern only, Path part) throws Exception {
        List<String> lines = new ArrayList<>();
        Collection<RunResult> results = new ArrayList<>(jmh(quick, select(only, IN_PROCESS)));
        // Redis CPU is read from its per-command statistics, counted over the REMOTE rows only.
        redis(Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        Collection<RunResult> remote = jmh(quick, select(only, RemoteHits.class));
        if (!remote.isEmpty()) {
            Matcher m = Pattern.compile("cmdstat_(\\w+):calls=(\\d+),usec=(\\d+)")
                    .matcher(redis(Request.cmd(Command.INFO).arg("commandstats")));
            while (m.find()) {
                lines.add(String.join("\t", "cmdstat", m.group(1), m.group(2), m.group(3)));
            }
        }
        results.addAll(remote);
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            lines.add(String.join("\t", "result", full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1),
                    Double.toString(r.getPrimaryResult().getScore()), Double.toString(r.getPrimaryResult().getScoreError()),
                    Double.toString(alloc == null ? Double.NaN : alloc.getScore())));
        }
        Files.write(part, lines);
        return 0;
    }

    /** Runs {@code selected} ({@code Class.method}, simple class names; see {@link #select}) in this JVM. */
    private static Collection<RunResult> jmh(boolean quick, List<String> selected) throws Exception {
        if (selected.isEmpty()) {
            return List.of(); // JMH fails on an empty selection
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(0) // in this JVM: see the class comment
                .threads(1)
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.NANOSECONDS)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true); // a failed hit check stops the run instead of leaving a row out
        for (String benchmark : selected) {
            options.include("\\." + Pattern.quote(benchmark) + "$"); // JMH matches the full class name
        }
        return new Runner(options.build()).run();
    }

    private String redis(Request request) {
        return redis.send(request).await().atMost(Duration.ofSeconds(10)).toString();
    }

    /** {@code target/results.md} next to {@code target/quarkus-app/}. */
    private static Path outputFile() throws Exception {
        return quarkusApp().resolveSibling("results.md");
    }

    /** The packaged application's directory, {@code target/quarkus-app/}. */
    private static Path quarkusApp() throws Exception {
        Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path p = jar; p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("quarkus-app")) {
                return p;
            }
        }
        throw new IllegalStateException("not run from a packaged application (quarkus-app/): " + jar);
    }
}
