package io.quarkiverse.gcache.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import io.quarkus.test.QuarkusUnitTest;

/** Builders for the QuarkusUnitTest applications of this module. */
public final class GCacheApps {

    private GCacheApps() {
    }

    /** An application with the given classes, its default Redis client on the private Redis (never :6379). */
    public static QuarkusUnitTest withRedis(Class<?>... classes) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(classes).addClasses(GCacheApps.class, PrivateRedis.class))
                .overrideConfigKey("quarkus.redis.hosts", PrivateRedis.shared().uri())
                .overrideConfigKey("quarkus.redis.devservices.enabled", "false");
    }

    /** An application whose build must fail with a message containing every fragment (R12/R13). */
    public static QuarkusUnitTest buildFails(Class<?> bean, String... fragments) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(bean))
                .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
                .assertException(messageContains(fragments));
    }

    static Consumer<Throwable> messageContains(String... fragments) {
        return t -> {
            List<String> messages = new ArrayList<>();
            collect(t, messages);
            boolean found = messages.stream().anyMatch(m -> Arrays.stream(fragments).allMatch(m::contains));
            assertTrue(found, "expected a build error containing " + Arrays.toString(fragments) + " but got " + messages);
        };
    }

    private static void collect(Throwable t, List<String> messages) {
        if (t == null) {
            return;
        }
        messages.add(String.valueOf(t.getMessage()));
        for (Throwable s : t.getSuppressed()) {
            collect(s, messages);
        }
        if (t.getCause() != t) {
            collect(t.getCause(), messages);
        }
    }
}
