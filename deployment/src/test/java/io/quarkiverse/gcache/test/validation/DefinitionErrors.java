package io.quarkiverse.gcache.test.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checks the one failure of a deliberately broken application against the full list of errors it must report: each
 * expected error once (type, declaration, message fragments), and nothing else. Exceptions are matched by class name:
 * the build's classes come from another class loader than the test's.
 */
final class DefinitionErrors {

    /** One expected error. */
    record Expected(String type, String declaration, String... fragments) {
    }

    private DefinitionErrors() {
    }

    static Expected error(String type, String declaration, String... fragments) {
        return new Expected(type, declaration, fragments);
    }

    static Consumer<Throwable> exactly(Expected... expected) {
        return failure -> {
            List<Throwable> reported = new ArrayList<>();
            collect(failure, reported, new IdentityHashMap<>());
            List<String> seen = reported.stream().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).toList();
            assertThat(reported).as("GCache definition errors reported: %s", seen).hasSize(expected.length);
            for (Expected e : expected) {
                assertThat(reported).as("expected %s on %s containing %s; reported %s", e.type(), e.declaration(),
                        List.of(e.fragments()), seen)
                        .anySatisfy(t -> {
                            assertThat(t.getClass().getSimpleName()).isEqualTo(e.type());
                            assertThat(t.getMessage()).startsWith(e.declaration() + ": ").contains(e.fragments());
                        });
            }
        };
    }

    /** Every GCache definition error in the failure, its suppressed and its causes, each once. */
    private static void collect(Throwable t, List<Throwable> out, Map<Throwable, Boolean> visited) {
        if (t == null || visited.put(t, Boolean.TRUE) != null) {
            return;
        }
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals("GCacheDefinitionException")) {
                out.add(t);
                break;
            }
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, visited);
        }
        collect(t.getCause(), out, visited);
    }
}
