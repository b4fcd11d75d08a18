package io.quarkiverse.gcache.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * {@code demo.db.shared-dir}: several instances of the demo share one database. Users already keep their renames
 * there ({@link SlowDatabase}); this puts the products in an H2 file database in the same directory, opened with
 * {@code AUTO_SERVER=TRUE} so that the second process connects through the first one's server. Without the setting
 * the products stay in memory. An explicit {@code quarkus.datasource.jdbc.url} (system property, environment) still
 * wins: this source ranks just above {@code application.properties}.
 */
public class SharedDatabaseConfig implements ConfigSourceFactory {

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("demo.db.shared-dir");
        if (dir == null || dir.getValue() == null || dir.getValue().isBlank()) {
            return List.of();
        }
        String url = "jdbc:h2:file:" + Path.of(dir.getValue()).toAbsolutePath().resolve("products")
                + ";AUTO_SERVER=TRUE";
        return List.of(new MapBackedConfigSource("demo.db.shared-dir", Map.of("quarkus.datasource.jdbc.url", url), 275) {
        });
    }
}
