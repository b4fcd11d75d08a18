package io.quarkiverse.gcache.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Redis server private to the test JVM, on a free port, never the machine's 127.0.0.1:6379. Uses the local
 * {@code redis-server} binary; where that is missing but Docker works, a Testcontainers container on a fixed host
 * port (so that {@link #stop()} / {@link #start()} keep the address). Failure tests stop, kill and restart it.
 * <p>
 * Includes a minimal RESP client ({@link #call}, {@link #callBinary}) so tests can inspect Redis without depending
 * on the code under test.
 */
public final class PrivateRedis {

    /*
     * Port, pid and container id live in system properties, not statics: QuarkusUnitTest loads test classes again in
     * the application's class loader, and both copies must drive the same server (a test that stops the server runs
     * in the application's loader, while the JUnit loader usually started it).
     */
    private static final String PORT = "gcache.test.redis.port";
    private static final String PID = "gcache.test.redis.pid";
    private static final String CONTAINER = "gcache.test.redis.container";

    /** Servers other than the shared one (cluster nodes, sentinel setups): pid and arguments per port. */
    private static final String NODE_PID = "gcache.test.redis.pid.";
    private static final String NODE_ARGS = "gcache.test.redis.args.";

    private final int port;
    /** The system property holding this server's pid. */
    private final String pidKey;

    private PrivateRedis(int port) {
        this(port, PID);
    }

    private PrivateRedis(int port, String pidKey) {
        this.port = port;
        this.pidKey = pidKey;
    }

    /**
     * A Redis Cluster of {@code masters} masters (no replicas) private to this JVM, started on first use: see
     * {@link PrivateRedisCluster}. Needs the {@code redis-server} and {@code redis-cli} binaries.
     */
    public static PrivateRedisCluster cluster(int masters) {
        return PrivateRedisCluster.shared(masters);
    }

    /**
     * A primary, one replica and three sentinels private to this JVM, started on first use: see
     * {@link PrivateRedisSentinel}. Needs the {@code redis-server} binary.
     */
    public static PrivateRedisSentinel sentinel() {
        return PrivateRedisSentinel.shared();
    }

    /**
     * Starts a server of a setup on a free port with extra {@code redis-server} arguments (the first may be a
     * configuration file); {@link #node(int)} finds it again from any class loader of the JVM. It is stopped when the
     * JVM exits.
     */
    public static PrivateRedis startNode(int port, List<String> args) {
        synchronized (System.getProperties()) {
            System.setProperty(NODE_ARGS + port, String.join("\n", args));
        }
        PrivateRedis node = node(port);
        node.start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop));
        return node;
    }

    /** A server started by {@link #startNode}, to inspect, kill or restart. */
    public static PrivateRedis node(int port) {
        return new PrivateRedis(port, NODE_PID + port);
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static PrivateRedis shared() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT);
            if (port != null) {
                return new PrivateRedis(Integer.parseInt(port));
            }
            PrivateRedis redis = new PrivateRedis(freePort());
            System.setProperty(PORT, String.valueOf(redis.port));
            redis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
            return redis;
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        try {
            return "PONG".equals(call("PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void start() {
        synchronized (System.getProperties()) {
            if (isRunning()) {
                return;
            }
            startServer();
        }
        awaitUp(Duration.ofSeconds(30));
    }

    private void startServer() {
        String nodeArgs = System.getProperty(NODE_ARGS + port);
        if (nodeArgs != null) {
            List<String> command = new ArrayList<>(List.of("redis-server"));
            List<String> args = List.of(nodeArgs.split("\n"));
            if (!args.get(0).startsWith("--")) {
                command.add(args.get(0)); // a configuration file comes first
                args = args.subList(1, args.size());
            }
            command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--protected-mode", "no"));
            command.addAll(args);
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                System.setProperty(pidKey, String.valueOf(process.pid()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start redis-server (needed for Cluster and Sentinel tests)", e);
            }
            return;
        }
        if (onPath("redis-server")) {
            try {
                /*
                 * DEBUG SLEEP / DEBUG RELOAD let tests freeze or reload the server; --dir keeps the dump.rdb that
                 * DEBUG RELOAD writes out of the working directory (the project).
                 */
                Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--protected-mode", "no",
                        "--enable-debug-command", "local", "--dir", dataDir().toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                System.setProperty(pidKey, String.valueOf(process.pid()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start redis-server", e);
            }
        } else {
            System.setProperty(CONTAINER, DockerRedis.start(port));
        }
    }

    /** Stops the server and waits until it is gone. */
    public void stop() {
        end(false);
    }

    /**
     * SIGKILLs the server, as a crash would: no shutdown, clients see their connections reset. Returns once the process
     * is gone and the port refuses connections; {@link #start()} brings it back on the same port. With the Docker
     * fallback the container is killed (SIGKILL to Redis) and removed.
     */
    public void kill() {
        end(true);
        awaitDown(Duration.ofSeconds(10));
    }

    private void end(boolean kill) {
        String pid;
        String container;
        synchronized (System.getProperties()) {
            pid = System.clearProperty(pidKey);
            container = pidKey.equals(PID) ? System.clearProperty(CONTAINER) : null;
        }
        if (pid != null) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                if (kill) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (kill) {
                        throw new IllegalStateException("redis-server " + pid + " did not die", e);
                    }
                    p.destroyForcibly();
                }
            });
        }
        if (container != null) {
            DockerRedis.stop(container, kill);
        }
    }

    /**
     * SIGSTOPs the server: its connections stay open and nothing answers, as in a VM pause, a long Lua script or a
     * black-holed network. {@link #resume()} SIGCONTs it.
     */
    public void pause() {
        signal("-STOP");
    }

    /** SIGCONTs a server {@link #pause() paused}. */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        String pid = System.getProperty(pidKey);
        if (pid == null) {
            throw new IllegalStateException("no redis-server process to signal on port " + port);
        }
        try {
            int exit = new ProcessBuilder("kill", signal, pid).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs one command and returns its reply: String, Long, List, or null. Errors throw. */
    public Object call(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return send(b, false);
    }

    /**
     * Like {@link #call}, but binary-safe both ways: bulk string replies are {@code byte[]}, so tests can see the exact
     * bytes the code under test stored (and store bytes that are not valid UTF-8).
     */
    public Object callBinary(byte[]... args) {
        return send(args, true);
    }

    /** SET with a binary value. */
    public void setBytes(String key, byte[] value) {
        callBinary("SET".getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** GET as raw bytes; null when the key is absent. */
    public byte[] getBytes(String key) {
        return (byte[]) callBinary("GET".getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code CLIENT LIST} as one map of field to value per connection (id, addr, name, cmd, flags, sub, ssub, psub...),
     * so tests can find a connection of the code under test, e.g. its subscriber, and {@code CLIENT KILL ID} it.
     */
    public List<Map<String, String>> clients() {
        List<Map<String, String>> clients = new ArrayList<>();
        for (String line : ((String) call("CLIENT", "LIST")).split("\n")) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : line.split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            clients.add(fields);
        }
        return clients;
    }

    private Object send(byte[][] args, boolean binary) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            buf.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                buf.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                buf.write(a);
                buf.write('\r');
                buf.write('\n');
            }
            out.write(buf.toByteArray());
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), binary);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long dbSize() {
        return (Long) call("DBSIZE");
    }

    @SuppressWarnings("unchecked")
    public List<String> keys() {
        return (List<String>) call("KEYS", "*");
    }

    public void flushAll() {
        call("FLUSHALL");
    }

    private static Object read(InputStream in, boolean binary) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(len + 2);
                if (b.length != len + 2) {
                    throw new IOException("connection closed");
                }
                return binary ? Arrays.copyOf(b, len) : new String(b, 0, len, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(in, binary));
                }
                return list;
            }
            default:
                throw new IOException("unexpected RESP type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read(); // '\n'
        return sb.toString();
    }

    private void awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if ("PONG".equals(call("PING"))) {
                    return;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("private Redis did not come up on port " + port, e);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Waits until the port refuses connections, so a test's next step really finds no server (Docker's proxy lags). */
    private void awaitDown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                // timed out or similar: not a clear refusal, try again
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("private Redis still accepts connections on port " + port);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Per-port working directory of redis-server, in the temp dir; removed when the JVM exits. A dump left there (by
     * DEBUG RELOAD, or a JVM that died) is deleted first: redis-server would load it, and every start must be empty.
     */
    private Path dataDir() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "gcache-test-redis-" + port);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("dump.rdb"));
        // deleteOnExit runs in reverse order: the dump first, then the (then empty) directory
        dir.toFile().deleteOnExit();
        dir.resolve("dump.rdb").toFile().deleteOnExit();
        return dir;
    }

    public static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, binary).canExecute()) {
                return true;
            }
        }
        return false;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
