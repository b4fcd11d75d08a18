package io.quarkiverse.gcache.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * A Redis Cluster private to the test JVM, started from {@link PrivateRedis#cluster(int)}: {@code masters}
 * {@code redis-server --cluster-enabled yes} processes on free ports (never 127.0.0.1:6379), joined by
 * {@code redis-cli --cluster create ... --cluster-yes}, without replicas. A node's {@code nodes.conf} lives in its own
 * temporary directory, so a node that was killed and started again rejoins with its slots (and without its data).
 * <p>
 * The ports live in a system property, like {@link PrivateRedis}'s: QuarkusUnitTest loads test classes twice, and
 * both copies must drive the same processes.
 */
public final class PrivateRedisCluster {

    private static final String PORTS = "gcache.test.redis.cluster.ports";
    /** Short, so a killed master is marked failed (and the cluster down) within about a second. */
    static final int NODE_TIMEOUT_MS = 1000;

    private final List<PrivateRedis> nodes;

    private PrivateRedisCluster(List<PrivateRedis> nodes) {
        this.nodes = nodes;
    }

    public static PrivateRedisCluster shared(int masters) {
        synchronized (System.getProperties()) {
            String ports = System.getProperty(PORTS);
            if (ports != null) {
                List<PrivateRedis> nodes = new ArrayList<>();
                for (String p : ports.split(",")) {
                    nodes.add(PrivateRedis.node(Integer.parseInt(p)));
                }
                if (nodes.size() != masters) {
                    throw new IllegalStateException("the JVM's cluster has " + nodes.size() + " masters, not " + masters);
                }
                return new PrivateRedisCluster(nodes);
            }
            PrivateRedisCluster cluster = create(masters);
            System.setProperty(PORTS,
                    cluster.nodes.stream().map(n -> String.valueOf(n.port())).collect(Collectors.joining(",")));
            return cluster;
        }
    }

    private static PrivateRedisCluster create(int masters) {
        List<PrivateRedis> nodes = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            int port = PrivateRedis.freePort();
            Path dir = tempDir("gcache-test-cluster-" + port);
            dir.resolve("nodes.conf").toFile().deleteOnExit();
            nodes.add(PrivateRedis.startNode(port, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                    dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS),
                    "--dir", dir.toString(), "--enable-debug-command", "local")));
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.add("--cluster-yes");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli (needed for the Cluster tests)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        PrivateRedisCluster cluster = new PrivateRedisCluster(nodes);
        cluster.awaitHealthy();
        return cluster;
    }

    /** The nodes, all masters. */
    public List<PrivateRedis> masters() {
        return nodes;
    }

    /** {@code quarkus.redis.hosts} for {@code client-type=cluster}: every node. */
    public String hosts() {
        return nodes.stream().map(PrivateRedis::uri).collect(Collectors.joining(","));
    }

    /** The master that serves {@code key} (or a shard channel of that name). */
    public PrivateRedis masterOf(String key) {
        long slot = (Long) nodes.get(0).call("CLUSTER", "KEYSLOT", key);
        for (PrivateRedis node : nodes) {
            if (node.isRunning() && owns(node, slot)) {
                return node;
            }
        }
        throw new IllegalStateException("no running master serves slot " + slot);
    }

    @SuppressWarnings("unchecked")
    private static boolean owns(PrivateRedis node, long slot) {
        String myId = (String) node.call("CLUSTER", "MYID");
        for (Object range : (List<Object>) node.call("CLUSTER", "SLOTS")) {
            List<Object> r = (List<Object>) range;
            List<Object> master = (List<Object>) r.get(2);
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1) && myId.equals(master.get(2))) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every node is up and says {@code cluster_state:ok}. */
    public void awaitHealthy() {
        Awaitility.await("cluster state ok on every node").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> nodes.stream().allMatch(n -> ((String) n.call("CLUSTER", "INFO")).contains("cluster_state:ok")));
    }

    /** Every key of every master. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        nodes.forEach(n -> keys.addAll(n.keys()));
        return keys;
    }

    /** FLUSHALL on every master. */
    public void flushAll() {
        nodes.forEach(PrivateRedis::flushAll);
    }

    public static Path tempDir(String name) {
        try {
            Path dir = Files.createTempDirectory(name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
