package io.quarkiverse.gcache.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A redis-server private to this run, on a free port of 127.0.0.1, without persistence; never the machine's Redis
 * on 6379. Started before Quarkus, so its address can be given to Quarkus as configuration.
 */
final class LocalRedis {

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static LocalRedis start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("gcache-bench-redis-");
        Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        LocalRedis redis = new LocalRedis(process, port, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::stop)); // also on Ctrl-C
        redis.awaitPong();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover empty temp directory is harmless
        }
    }

    private void awaitPong() {
        try {
            Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .failFast("redis-server exited", () -> !process.isAlive())
                    .until(this::answersPing);
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException("redis-server did not start on port " + port
                    + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")"), e);
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }
}
