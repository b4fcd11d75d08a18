package io.quarkiverse.gcache.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Markdown report: machine, JMH table, Redis CPU per read, memory per entry. */
final class Report {

    /** A table row: its label, its benchmark (Class.method) and the anchor it is compared with. */
    private record Row(String label, String benchmark, String anchor) {
    }

    /** One benchmark's result: average ns/op, its 99.9 % error, and bytes allocated per op. */
    record Measured(double score, double error, double allocNorm) {
    }

    private static final String CAFFEINE = "LocalHits.caffeineGetIfPresent";
    private static final List<Row> ROWS = List.of(
            new Row("1 LOCAL hit, `@GCached`, id only", "LocalHits.gcachedHit", CAFFEINE),
            new Row("2 LOCAL hit, `@GCached`, id + 3 key args", "LocalHits.gcachedHit3Args", CAFFEINE),
            new Row("3 quarkus-cache `@CacheResult` hit", "LocalHits.cacheResultHit", CAFFEINE),
            new Row("4 raw Caffeine `getIfPresent`, prebuilt key (anchor)", CAFFEINE, null),
            new Row("4b raw Caffeine with a TTL per entry (`expireAfter`)", "LocalHits.caffeinePerEntryTtl", CAFFEINE),
            new Row("1L LOCAL hit, `@GCached`, cache past half its bound (600,000 of 1,000,000)",
                    "LargeCacheHits.gcachedHit", "LargeCacheHits.caffeineGetIfPresent"),
            new Row("4L raw Caffeine `getIfPresent`, same fill and bound (anchor)", "LargeCacheHits.caffeineGetIfPresent",
                    null),
            new Row("5a `@GCached`, no enable scope (method runs)", "InterceptorOverhead.gcachedNoScope",
                    "InterceptorOverhead.emptyInterceptor"),
            new Row("5b empty interceptor binding (anchor)", "InterceptorOverhead.emptyInterceptor",
                    "InterceptorOverhead.plainMethod"),
            new Row("5c plain method, no interceptor", "InterceptorOverhead.plainMethod", null),
            new Row("5d `@GCached`, no enable scope, method that works ~175 ns", "InterceptorOverhead.gcachedNoScopeWork",
                    "InterceptorOverhead.emptyInterceptorWork"),
            new Row("5e empty interceptor binding, same method (anchor)", "InterceptorOverhead.emptyInterceptorWork",
                    "InterceptorOverhead.plainMethodWork"),
            new Row("5f plain method that works, no interceptor", "InterceptorOverhead.plainMethodWork", null),
            new Row("6a REMOTE hit, `@GCached` (LOCAL ramp 0)", "RemoteHits.gcachedRemoteHit", "RemoteHits.rawGetJson"),
            new Row("6b raw GET + JSON decode, same Redis client (anchor)", "RemoteHits.rawGetJson", null),
            new Row("6c raw MGET of 2 keys + JSON decode", "RemoteHits.rawMget2Json", "RemoteHits.rawGetJson"),
            new Row("7a part: `EnableScopes.isEnabled()` outside a scope", "Parts.isEnabled", null),
            new Row("7b part: a `ThreadLocal.get()`", "Parts.threadLocal", null),
            new Row("7c part: `Vertx.currentContext()`", "Parts.vertxContext", null),
            new Row("7d part: `LongAdder.increment()`, one thread", "Parts.adder", null),
            new Row("7e part: `System.nanoTime()`", "Parts.nanoTime", null));

    private Report() {
    }

    /**
     * @param results by {@code Class.method}
     * @param commandStats Redis' {@code calls} and {@code usec} by {@code "Class.method command"}, per REMOTE row
     */
    static String markdown(boolean quick, Map<String, Measured> byName, Map<String, long[]> commandStats,
            String redisServer, List<MemoryProbe.Row> memory) {
        StringBuilder md = new StringBuilder();
        md.append("# GCache benchmarks\n\n");
        md.append(micrometerPresent() ? "Micrometer: present (Prometheus registry; `gcache.*` meters bound).\n\n"
                : "Micrometer: absent (`benchmarks/run.sh --micrometer` measures with it).\n\n");
        md.append(quick ? "**Smoke run (`--quick`)**: 1 warm-up and 1 measurement iteration of 1 s; rough numbers.\n\n"
                : "Full run: 3 warm-up iterations of 2 s, 5 measurement iterations of 2 s.\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- commit: ").append(commit()).append('\n');
        md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB\n");
        md.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores available\n");
        md.append("- Redis: ").append(field(redisServer, "redis_version")).append(", private, on 127.0.0.1\n");
        md.append("- JMH 1.37 in process (forks 0, inside the Quarkus application), one JVM per benchmark, 1 thread, "
                + "average time; B/op is `gc.alloc.rate.norm` of the GC profiler (allocation of all threads, per op)\n\n");

        md.append("× anchor: this row's ns/op divided by its anchor row's (in parentheses).\n\n");
        md.append("| row | ns/op | ± 99.9 % | B/op | × anchor |\n|---|---:|---:|---:|---:|\n");
        for (Row row : ROWS) {
            Measured r = byName.get(row.benchmark());
            if (r == null) {
                continue;
            }
            Measured anchor = row.anchor() == null ? null : byName.get(row.anchor());
            md.append("| ").append(row.label())
                    .append(" | ").append(String.format("%.1f", r.score()))
                    .append(" | ").append(Double.isNaN(r.error()) ? "–" : String.format("%.1f", r.error()))
                    .append(" | ").append(Double.isNaN(r.allocNorm()) ? "?" : String.format("%.0f", r.allocNorm()))
                    .append(" | ").append(anchor == null ? ""
                            : String.format("%.2f (%s)", r.score() / anchor.score(), number(row.anchor())))
                    .append(" |\n");
        }

        if (!commandStats.isEmpty()) {
            md.append("\n## Redis CPU per REMOTE read\n\n`INFO commandstats` of the private Redis, per REMOTE row (each "
                    + "row's JVM resets them before it runs). A GCache read (6a) is an MGET (value and watermark), "
                    + "with TIME (the server's clock) pipelined at most once a second since the fifth round, on every "
                    + "read before; row 6c is the MGET alone, 6b a GET. Until the second round GCache read with a Lua "
                    + "script (EVALSHA).\n\n");
            md.append("| row | command | calls | usec_per_call |\n|---|---|---:|---:|\n");
            for (Row row : ROWS) {
                for (String cmd : List.of("evalsha", "mget", "time", "get")) {
                    long[] stats = commandStats.get(row.benchmark() + " " + cmd);
                    if (stats != null && stats[0] > 0) {
                        md.append("| ").append(number(row.benchmark())).append(" | ").append(cmd.toUpperCase())
                                .append(" | ").append(stats[0])
                                .append(" | ").append(String.format("%.2f", stats[1] / (double) stats[0]))
                                .append(" |\n");
                    }
                }
            }
        }

        if (!memory.isEmpty()) {
            md.append("\n## Retained heap per LOCAL entry\n\n").append(MemoryProbe.ENTRIES)
                    .append(" distinct keys per probe, one shared value instance; live bytes from a class histogram "
                            + "(full GC) before and after the fill, divided by the number of entries.\n\n");
            md.append("| cache | keys per entity | B/entry | largest growth (B/entry) |\n|---|---:|---:|---|\n");
            for (MemoryProbe.Row m : memory) {
                md.append("| ").append(m.store()).append(" | ").append(m.keysPerEntity())
                        .append(" | ").append(String.format("%.0f", m.bytesPerEntry()))
                        .append(" | ").append(String.join(", ", m.topClasses())).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String number(String benchmark) {
        return ROWS.stream().filter(r -> r.benchmark().equals(benchmark)).findFirst()
                .map(r -> r.label().substring(0, r.label().indexOf(' '))).orElse(benchmark);
    }

    private static String field(String info, String name) {
        Matcher m = Pattern.compile(name + ":(\\S+)").matcher(info);
        return m.find() ? m.group(1) : "?";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (Exception e) {
            return System.getProperty("os.arch");
        }
    }

    /** The checked-out commit, when run from the repository (`git describe`); marks uncommitted changes. */
    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    static boolean micrometerPresent() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, Report.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
