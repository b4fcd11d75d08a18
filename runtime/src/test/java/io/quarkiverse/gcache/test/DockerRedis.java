package io.quarkiverse.gcache.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FixedHostPortGenericContainer;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

/**
 * Fallback for machines without {@code redis-server} but with a working Docker engine. Containers are handled by id,
 * not by their Testcontainers object: the id lives in a system property, so whichever class loader's copy of
 * {@link PrivateRedis} stops the server, it stops the container the other copy started.
 */
final class DockerRedis {

    private DockerRedis() {
    }

    /** Starts a Redis container with its port 6379 on {@code hostPort}; returns the container id. */
    @SuppressWarnings({ "resource", "deprecation" })
    static String start(int hostPort) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("Tests need Redis: install redis-server (apt-get install redis-server) "
                    + "or provide a working Docker engine");
        }
        FixedHostPortGenericContainer<?> c = new FixedHostPortGenericContainer<>("redis:7-alpine")
                .withFixedExposedPort(hostPort, 6379);
        c.start();
        return c.getContainerId();
    }

    /**
     * Stops (or, with {@code kill}, SIGKILLs) the container and removes it, so that the fixed host port is free for
     * the next {@link #start}.
     */
    static void stop(String containerId, boolean kill) {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            if (kill) {
                docker.killContainerCmd(containerId).exec();
            } else {
                docker.stopContainerCmd(containerId).withTimeout(10).exec();
            }
        } catch (NotFoundException e) {
            return; // already gone
        } catch (RuntimeException e) {
            // not running any more (e.g. killed before): removing it below is what matters
        }
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // removed already
        }
    }
}
