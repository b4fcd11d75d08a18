package io.quarkiverse.gcache.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The runtime's packages form layers (reference: the README's layout table): a package never depends, directly or
 * through others, on a package that depends on it. Read from the sources: every reference to another runtime package,
 * by import or by qualified name, is an edge; the test fails with the cycles it finds.
 */
class PackageCyclesTest {

    static final String ROOT = "io.quarkiverse.gcache.runtime";
    static final Path SOURCES = Path.of("src/main/java/io/quarkiverse/gcache/runtime");
    /** A reference to a class of the root package ({@code runtime.UseCase}) or of a package below it. */
    static final Pattern REFERENCE = Pattern.compile("io\\.quarkiverse\\.gcache\\.runtime(?:\\.([a-z][a-z0-9]*))?\\.[A-Z]");

    @Test
    void noRuntimePackageDependsBackOnAPackageThatUsesIt() throws IOException {
        Map<String, Set<String>> edges = dependencies();
        assertThat(edges).as("the runtime's packages were read").containsKeys("(root)", "layers", "keys");
        List<List<String>> cycles = cycles(edges);
        assertThat(cycles).as("package cycles (each a strongly connected group), with edges %s", edges).isEmpty();
    }

    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file).getParent();
                String from = dir == null ? "(root)" : dir.toString().replace('/', '.');
                Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1) == null ? "(root)" : m.group(1);
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        }
        return edges;
    }

    /** Tarjan's strongly connected components of more than one package: each is a cycle or several. */
    static List<List<String>> cycles(Map<String, Set<String>> edges) {
        List<List<String>> found = new ArrayList<>();
        new Object() {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> low = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            int next;

            void run() {
                for (String node : edges.keySet()) {
                    if (!index.containsKey(node)) {
                        visit(node);
                    }
                }
            }

            void visit(String node) {
                index.put(node, next);
                low.put(node, next++);
                stack.add(node);
                for (String to : edges.getOrDefault(node, Set.of())) {
                    if (!index.containsKey(to)) {
                        visit(to);
                        low.put(node, Math.min(low.get(node), low.get(to)));
                    } else if (stack.contains(to)) {
                        low.put(node, Math.min(low.get(node), index.get(to)));
                    }
                }
                if (low.get(node).equals(index.get(node))) {
                    List<String> component = new ArrayList<>();
                    String top;
                    do {
                        top = stack.remove(stack.size() - 1);
                        component.add(top);
                    } while (!top.equals(node));
                    if (component.size() > 1) {
                        found.add(component);
                    }
                }
            }
        }.run();
        return found;
    }
}
