package io.quarkiverse.gcache.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FixedHostPortGenericContainer;

/** Fallback for machines without {@code redis-server} but with a working Docker engine. */
final class DockerRedis {

    private DockerRedis() {
    }

    @SuppressWarnings({ "resource", "deprecation" })
    static AutoCloseable start(int hostPort) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("Tests need Redis: install redis-server (apt-get install redis-server) "
                    + "or provide a working Docker engine");
        }
        FixedHostPortGenericContainer<?> c = new FixedHostPortGenericContainer<>("redis:7-alpine")
                .withFixedExposedPort(hostPort, 6379);
        c.start();
        return c::stop;
    }
}
