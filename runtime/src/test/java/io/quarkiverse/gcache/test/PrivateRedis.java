package io.quarkiverse.gcache.test;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Redis server private to the test JVM, on a free port, never the machine's 127.0.0.1:6379. Uses the local
 * {@code redis-server} binary; where that is missing but Docker works, a Testcontainers container on a fixed host
 * port (so that {@link #stop()} / {@link #start()} keep the address). Failure tests stop and restart it.
 * <p>
 * Includes a minimal RESP client ({@link #call}) so tests can inspect Redis without depending on the code under
 * test.
 */
public final class PrivateRedis {

    /*
     * Port and pid live in system properties, not statics: QuarkusUnitTest loads test classes again in the
     * application's class loader, and both copies must drive the same server.
     */
    private static final String PORT = "gcache.test.redis.port";
    private static final String PID = "gcache.test.redis.pid";
    private static AutoCloseable container;

    private final int port;

    private PrivateRedis(int port) {
        this.port = port;
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
        if (onPath("redis-server")) {
            try {
                Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--protected-mode", "no")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                System.setProperty(PID, String.valueOf(process.pid()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start redis-server", e);
            }
        } else {
            container = DockerRedis.start(port);
        }
    }

    /** Stops the server and waits until it is gone. */
    public void stop() {
        String pid = System.getProperty(PID);
        if (pid != null) {
            System.clearProperty(PID);
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
        if (container != null) {
            try {
                container.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            container = null;
        }
    }

    /** Runs one command and returns its reply: String, Long, List, or null. Errors throw. */
    public Object call(String... args) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
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

    private static Object read(InputStream in) throws IOException {
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
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(in));
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

    private static boolean onPath(String binary) {
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

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
