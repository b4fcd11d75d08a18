package io.quarkiverse.gcache.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * A Sentinel setup private to the test JVM, started from {@link PrivateRedis#sentinel()}: one primary, one replica
 * and three sentinels ({@code redis-server <generated config> --sentinel}, quorum 2) watching the master set
 * {@value #MASTER}, all on free ports (never 127.0.0.1:6379). {@link #failover()} runs {@code SENTINEL FAILOVER}; the
 * setup keeps whatever roles it has afterwards, so a test asks {@link #primary()} rather than assuming one.
 * <p>
 * Ports live in a system property, like {@link PrivateRedis}'s: QuarkusUnitTest loads test classes twice.
 */
public final class PrivateRedisSentinel {

    public static final String MASTER = "mymaster";
    private static final String PORTS = "gcache.test.redis.sentinel.ports";

    /** The two data nodes (primary and replica, in either role), then the three sentinels. */
    private final List<PrivateRedis> data;
    private final List<PrivateRedis> sentinels;

    private PrivateRedisSentinel(List<PrivateRedis> data, List<PrivateRedis> sentinels) {
        this.data = data;
        this.sentinels = sentinels;
    }

    public static PrivateRedisSentinel shared() {
        synchronized (System.getProperties()) {
            String ports = System.getProperty(PORTS);
            if (ports == null) {
                PrivateRedisSentinel setup = create();
                System.setProperty(PORTS, setup.data.get(0).port() + "," + setup.data.get(1).port() + ","
                        + setup.sentinels.stream().map(s -> String.valueOf(s.port())).collect(Collectors.joining(",")));
                return setup;
            }
            List<PrivateRedis> all = new ArrayList<>();
            for (String p : ports.split(",")) {
                all.add(PrivateRedis.node(Integer.parseInt(p)));
            }
            return new PrivateRedisSentinel(all.subList(0, 2), all.subList(2, all.size()));
        }
    }

    private static PrivateRedisSentinel create() {
        int primaryPort = PrivateRedis.freePort();
        Path dir = PrivateRedisCluster.tempDir("gcache-test-sentinel-" + primaryPort);
        PrivateRedis primary = PrivateRedis.startNode(primaryPort, List.of("--dir", dir.toString()));
        int replicaPort = PrivateRedis.freePort();
        // a directory of its own: a replica writes the primary's snapshot there when it syncs
        Path replicaDir = PrivateRedisCluster.tempDir("gcache-test-sentinel-" + replicaPort);
        PrivateRedis replica = PrivateRedis.startNode(replicaPort,
                List.of("--dir", replicaDir.toString(), "--replicaof", "127.0.0.1", String.valueOf(primaryPort)));
        List<PrivateRedis> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = PrivateRedis.freePort();
            Path conf = dir.resolve("sentinel-" + port + ".conf");
            try {
                // sentinels rewrite their file (ids, known replicas and sentinels): one each, writable
                Files.writeString(conf, String.join("\n",
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 5000",
                        "sentinel parallel-syncs " + MASTER + " 1", ""));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            conf.toFile().deleteOnExit();
            sentinels.add(PrivateRedis.startNode(port, List.of(conf.toString(), "--sentinel", "--dir", dir.toString())));
        }
        PrivateRedisSentinel setup = new PrivateRedisSentinel(List.of(primary, replica), sentinels);
        setup.awaitReady();
        return setup;
    }

    /** {@code quarkus.redis.hosts} for {@code client-type=sentinel}: the sentinels. */
    public String hosts() {
        return sentinels.stream().map(PrivateRedis::uri).collect(Collectors.joining(","));
    }

    /** The data node the sentinels currently name as master. */
    @SuppressWarnings("unchecked")
    public PrivateRedis primary() {
        List<Object> addr = (List<Object>) sentinels.get(0).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
        int port = Integer.parseInt((String) addr.get(1));
        return data.stream().filter(d -> d.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the sentinels name an unknown master " + addr));
    }

    /** The data node that is not {@link #primary()}. */
    public PrivateRedis replica() {
        PrivateRedis primary = primary();
        return data.stream().filter(d -> d != primary && d.port() != primary.port()).findFirst().orElseThrow();
    }

    /**
     * Waits until the master set is fully watched: every sentinel knows the master, a replica whose link is up, and
     * the two other sentinels, so that a failover can be agreed.
     */
    @SuppressWarnings("unchecked")
    public void awaitReady() {
        Awaitility.await("sentinels ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> {
                    for (PrivateRedis s : sentinels) {
                        List<Object> replicas = (List<Object>) s.call("SENTINEL", "REPLICAS", MASTER);
                        List<Object> others = (List<Object>) s.call("SENTINEL", "SENTINELS", MASTER);
                        if (replicas.size() != 1 || others.size() != sentinels.size() - 1) {
                            return false;
                        }
                        Map<String, String> r = fields((List<Object>) replicas.get(0));
                        if (!"slave".equals(r.get("flags")) || !"ok".equals(r.get("master-link-status"))) {
                            return false;
                        }
                    }
                    PrivateRedis replica = replica();
                    return ((String) replica.call("INFO", "replication")).contains("master_link_status:up");
                });
    }

    /**
     * {@code SENTINEL FAILOVER}: the replica is promoted, the old primary becomes its replica (Sentinel disconnects
     * its clients). Returns the new primary once the sentinels name it and it says it is a master.
     */
    public PrivateRedis failover() {
        PrivateRedis before = primary();
        // not the first sentinel of quarkus.redis.hosts (the one a client asks first): the others learn of the new
        // primary from its announcements, a little later, as in a failover that any sentinel may lead
        sentinels.get(sentinels.size() - 1).call("SENTINEL", "FAILOVER", MASTER);
        Awaitility.await("failover done").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> primary().port() != before.port()
                        && ((String) primary().call("INFO", "replication")).contains("role:master"));
        return primary();
    }

    private static Map<String, String> fields(List<Object> flat) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return m;
    }
}
