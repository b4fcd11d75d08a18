package io.quarkiverse.gcache.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stands in for a database: every query costs {@code demo.db.latency} (a network round trip plus query time) and is
 * counted, so the effect of caching is visible in {@code /db/queries}.
 */
@Singleton
public class SlowDatabase {

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Post> posts = new ConcurrentHashMap<>();
    private final AtomicLong queries = new AtomicLong();
    private final Duration latency;
    private final Optional<Path> sharedDir;

    /**
     * @param sharedDir when set, user updates are kept there, so that several instances of the demo share one
     *        "database" (the two-instance test does this)
     */
    public SlowDatabase(@ConfigProperty(name = "demo.db.latency", defaultValue = "20ms") Duration latency,
            @ConfigProperty(name = "demo.db.shared-dir") Optional<Path> sharedDir) {
        this.latency = latency;
        this.sharedDir = sharedDir;
        IntStream.rangeClosed(1, 20).forEach(i -> users.put(String.valueOf(i),
                new User(String.valueOf(i), "User " + i, "user" + i + "@example.com")));
        IntStream.rangeClosed(1, 100).forEach(i -> posts.put(String.valueOf(i),
                new Post(String.valueOf(i), String.valueOf(1 + i % 20), "Post " + i)));
    }

    /** Reads, then pays the latency (as a slow response does): a write during it is not seen by this read. */
    public User findUser(String id) {
        User user = readUser(id);
        query();
        return user;
    }

    private User readUser(String id) {
        if (sharedDir.isPresent()) {
            Path file = sharedDir.get().resolve("user-" + id);
            if (Files.exists(file)) {
                try {
                    String name = Files.readString(file);
                    User seeded = users.get(id);
                    return new User(id, name, seeded == null ? null : seeded.email());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return users.get(id);
    }

    public List<Post> postsMentioning(String userId) {
        query();
        return posts.values().stream().filter(p -> Integer.parseInt(p.id()) % 10 == Integer.parseInt(userId) % 10)
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.id()), Integer.parseInt(b.id()))).toList();
    }

    public void saveUser(User user) {
        query();
        users.put(user.id(), user);
        if (sharedDir.isPresent()) {
            try {
                Path tmp = Files.createTempFile(sharedDir.get(), "user-", ".tmp");
                Files.writeString(tmp, user.name());
                Files.move(tmp, sharedDir.get().resolve("user-" + user.id()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public long queries() {
        return queries.get();
    }

    public void resetQueries() {
        queries.set(0);
    }

    private void query() {
        queries.incrementAndGet();
        LockSupport.parkNanos(latency.toNanos());
    }
}
