package io.quarkiverse.gcache.test.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    // JVM-wide: the build step and the test method see different copies of this class (different class loaders)
    static final List<String> HIERARCHY = shared("gcache.test.native.hierarchy");
    static final List<String> CLASSES = shared("gcache.test.native.classes");
    static final List<String> METHODS = shared("gcache.test.native.methods");

    @SuppressWarnings("unchecked")
    static List<String> shared(String key) {
        return (List<String>) System.getProperties().computeIfAbsent(key, k -> new CopyOnWriteArrayList<String>());
    }

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bean.class, Order.class, User.class, Filters.class, FiltersKey.class))
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false")
            .addBuildChainCustomizer(capture());

    @Test
    void registrationsForANativeImage() {
        assertThat(HIERARCHY).anyMatch(t -> t.contains(Order.class.getName()));
        assertThat(CLASSES).contains(FiltersKey.class.getName());
        // ValueTypes loads every class of a value type by name at startup: List<Order> needs java.util.List too
        assertThat(CLASSES).contains(List.class.getName(), Order.class.getName(), "[Ljava.lang.String;");
        assertThat(CLASSES).anyMatch(name -> name.contains("$$GCacheId$byUser"));
        assertThat(CLASSES).anyMatch(name -> name.contains("$$GCacheInvalidateId$update"));
        // both annotations reach the runtime through recorded data and bindings: no method is looked up reflectively
        assertThat(METHODS).noneMatch(m -> m.startsWith(Bean.class.getName()));
    }

    static Consumer<BuildChainBuilder> capture() {
        return chain -> chain.addBuildStep(new BuildStep() {
            @Override
            public void execute(BuildContext context) {
                context.consumeMulti(ReflectiveHierarchyBuildItem.class).forEach(i -> HIERARCHY.add(i.getType().toString()));
                context.consumeMulti(ReflectiveClassBuildItem.class).forEach(i -> CLASSES.addAll(i.getClassNames()));
                context.consumeMulti(ReflectiveMethodBuildItem.class)
                        .forEach(i -> METHODS.add(i.getDeclaringClass() + "#" + i.getName()));
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
