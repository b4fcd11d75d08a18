package io.quarkiverse.gcache.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One process of the packaged demo ({@code java -jar}), started on a free port, for multi-instance tests. */
final class DemoProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient(); // keeps connections alive

    final String uri;
    final File log;
    private final Process process;

    private DemoProcess(String uri, File log, Process process) {
        this.uri = uri;
        this.log = log;
        this.process = process;
    }

    /** Starts the demo with {@code -D} options ({@code name=value}) and waits until it answers. */
    static DemoProcess launch(String name, String... options) throws Exception {
        return launch(name, Map.of(), options);
    }

    /** {@link #launch(String, String...)} with these environment variables added to the process's. */
    static DemoProcess launch(String name, Map<String, String> environment, String... options) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.http.port=" + port);
        for (String o : options) {
            command.add("-D" + o);
        }
        command.add("-jar");
        command.add(new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath());
        File log = new File("target/" + name + "-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        Process p = builder.start();
        DemoProcess demo = new DemoProcess("http://localhost:" + port, log, p);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> demo.status("/db/queries") == 200);
        return demo;
    }

    String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri + path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    int status(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri + path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Renames a user through the demo's invalidating write. */
    void rename(String id, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri + "/users/" + id))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("PUT /users/" + id + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The sum of the Prometheus samples of {@code name} whose labels contain every fragment. */
    double metric(String name, String... labels) throws IOException, InterruptedException {
        return get("/q/metrics").lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
