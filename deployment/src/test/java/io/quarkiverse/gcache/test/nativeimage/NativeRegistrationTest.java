package io.quarkiverse.gcache.test.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheArg;
import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCacheKeyAdapter;
import io.quarkiverse.gcache.GCached;
import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.builder.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveHierarchyBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveMethodBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * reference: native image: what a native executable needs is registered at build time — cached value types for Jackson,
 * every class a value type names (loaded by name at startup), classes instantiated by name (adapters, the generated id
 * extractors that read property paths without reflection); no method is looked up reflectively.
 */
class NativeRegistrationTest {

    // JVM-wide: the build step and the test method see different copies of this class (different class loaders), so
    // the build step leaves what it saw in system properties; as strings, one name a line, since other extensions
    // (Narayana, when the test classpath has it) read every system property as a string.
    static final String HIERARCHY = "gcache.test.native.hierarchy";
    static final String CLASSES = "gcache.test.native.classes";
    static final String METHODS = "gcache.test.native.methods";

    static List<String> seen(String key) {
        String names = System.getProperty(key, "");
        return names.isEmpty() ? List.of() : List.of(names.split("\n"));
    }

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bean.class, Order.class, User.class, Filters.class, FiltersKey.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .addBuildChainCustomizer(capture());

    @Test
    void registrationsForANativeImage() {
        assertThat(seen(HIERARCHY)).anyMatch(t -> t.contains(Order.class.getName()));
        assertThat(seen(CLASSES)).contains(FiltersKey.class.getName());
        // ValueTypes loads every class of a value type by name at startup: List<Order> needs java.util.List too
        assertThat(seen(CLASSES)).contains(List.class.getName(), Order.class.getName(), "[Ljava.lang.String;");
        assertThat(seen(CLASSES)).anyMatch(name -> name.contains("$$GCacheId$byUser"));
        assertThat(seen(CLASSES)).anyMatch(name -> name.contains("$$GCacheInvalidateId$update"));
        // both annotations reach the runtime through recorded data and bindings: no method is looked up reflectively
        assertThat(seen(METHODS)).noneMatch(m -> m.startsWith(Bean.class.getName()));
    }

    static Consumer<BuildChainBuilder> capture() {
        return chain -> chain.addBuildStep(new BuildStep() {
            @Override
            public void execute(BuildContext context) {
                System.setProperty(HIERARCHY, String.join("\n", context.consumeMulti(ReflectiveHierarchyBuildItem.class)
                        .stream().map(i -> i.getType().toString()).toList()));
                System.setProperty(CLASSES, String.join("\n", context.consumeMulti(ReflectiveClassBuildItem.class)
                        .stream().flatMap(i -> i.getClassNames().stream()).toList()));
                System.setProperty(METHODS, String.join("\n", context.consumeMulti(ReflectiveMethodBuildItem.class)
                        .stream().map(i -> i.getDeclaringClass() + "#" + i.getName()).toList()));
                context.produce(new io.quarkus.deployment.builditem.FeatureBuildItem("gcache-native-test"));
            }
        }).consumes(ReflectiveHierarchyBuildItem.class).consumes(ReflectiveClassBuildItem.class)
                .consumes(ReflectiveMethodBuildItem.class)
                .produces(io.quarkus.deployment.builditem.FeatureBuildItem.class).build();
    }

    public record Order(String id, List<String> lines) {
    }

    public record User(String id) {
    }

    public static class Filters {
    }

    public static class FiltersKey implements GCacheKeyAdapter<Filters> {
        @Override
        public String toKey(Filters value) {
            return "f";
        }
    }

    @Singleton
    public static class Bean {
        @GCached(keyType = "order_id", id = "id", remoteTtl = "1m", remoteRamp = 100)
        public List<Order> orders(String id, @GCacheArg(adapter = FiltersKey.class) Filters filters) {
            return List.of();
        }

        @GCached(keyType = "user_id", id = "user.id", localTtl = "1m", localRamp = 100)
        public String byUser(User user) {
            return user.id();
        }

        @GCached(keyType = "user_id", id = "id", localTtl = "1m", localRamp = 100)
        public String[] names(String id) {
            return new String[] { id };
        }

        @GCacheInvalidate(keyType = "user_id", id = "user.id")
        public void update(User user) {
        }
    }
}
