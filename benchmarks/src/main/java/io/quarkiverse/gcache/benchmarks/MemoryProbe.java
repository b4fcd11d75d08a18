package io.quarkiverse.gcache.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import javax.management.ObjectName;

import io.quarkiverse.gcache.GCache;

/**
 * Retained heap per cache entry (not JMH). Each probe fills 100,000 distinct keys, then reads them all again to
 * prove none was evicted. Live heap is the total of a class histogram ({@code jcmd GC.class_histogram}, through
 * the DiagnosticCommand MBean): it runs a full GC first and counts only reachable objects, so the difference
 * before/after the fill is what the cache retains. Every method returns the same value instance, so values cost
 * nothing; keys are fresh Strings per call, as a caller parsing requests would pass.
 */
final class MemoryProbe {

    static final int ENTRIES = 100_000;

    /** One probe: bytes per entry, and the classes that grew most (bytes per entry each). */
    record Row(String store, int keysPerEntity, double bytesPerEntry, List<String> topClasses) {
    }

    static List<Row> run(MemorySubject s, GCache gcache) {
        List<Row> rows = new ArrayList<>();
        try (GCache.Scope scope = gcache.enable()) {
            rows.add(probe("@GCached LOCAL", 1, (id, page) -> s.gcache1(id)));
            rows.add(probe("@GCached LOCAL", 10, s::gcache10));
        }
        rows.add(probe("quarkus-cache @CacheResult", 1, (id, page) -> s.quarkus1(id)));
        rows.add(probe("quarkus-cache @CacheResult", 10, s::quarkus10));
        return rows;
    }

    private static Row probe(String store, int keysPerEntity, BiConsumer<String, Integer> call) {
        Map<String, Long> before = histogram();
        long runs = Body.MEMORY.runs;
        fill(keysPerEntity, call);
        require(Body.MEMORY.runs - runs == ENTRIES, store + ": not every key was a miss");
        Map<String, Long> after = histogram();
        fill(keysPerEntity, call);
        require(Body.MEMORY.runs - runs == ENTRIES, store + ": entries were lost before the second pass");

        List<String> top = after.keySet().stream().filter(c -> !c.equals(TOTAL))
                .sorted(Comparator.comparingLong((String c) -> before.getOrDefault(c, 0L) - after.get(c)))
                .limit(9)
                .map(c -> String.format("%s %.0f", c, (after.get(c) - before.getOrDefault(c, 0L)) / (double) ENTRIES))
                .toList();
        return new Row(store, keysPerEntity, (after.get(TOTAL) - before.get(TOTAL)) / (double) ENTRIES, top);
    }

    private static void fill(int keysPerEntity, BiConsumer<String, Integer> call) {
        for (int i = 0; i < ENTRIES; i++) {
            call.accept("u" + (i / keysPerEntity), i % keysPerEntity);
        }
    }

    private static final String TOTAL = "Total";

    /** Live bytes per class (simple name) and under {@link #TOTAL}, after the full GC the histogram runs. */
    private static Map<String, Long> histogram() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] { new String[0] }, new String[] { String[].class.getName() });
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram from this JVM", e);
        }
        Map<String, Long> bytes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(TOTAL)) {
                bytes.put(TOTAL, Long.parseLong(f[2]));
            } else if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(simpleName(f[3]), Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    /**
     * {@code java.lang.String} as {@code String}, {@code [B} as {@code byte[]}, {@code [Ljava.lang.Object;} as
     * {@code Object[]}.
     */
    private static String simpleName(String jvmName) {
        if (jvmName.startsWith("[L")) {
            return simpleName(jvmName.substring(2, jvmName.length() - 1)) + "[]";
        }
        return switch (jvmName) {
            case "[B" -> "byte[]";
            case "[I" -> "int[]";
            case "[J" -> "long[]";
            default -> jvmName.substring(jvmName.lastIndexOf('.') + 1);
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
