package io.quarkiverse.gcache.it;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

@ApplicationScoped
public class UserService {

    @Inject
    SlowDatabase db;

    /** TTLs and ramps live in application.properties, where operators change them. */
    @GCached(keyType = "user_id", id = "userId", useCase = "GetUser")
    public User getUser(String userId) {
        return db.findUser(userId);
    }

    /** The write: after it returns, no instance serves this user's old data from any layer (R6, R8). */
    @GCacheInvalidate(keyType = "user_id", id = "userId")
    public User rename(String userId, String name) {
        User current = db.findUser(userId);
        if (current == null) {
            return null;
        }
        User renamed = new User(userId, name, current.email());
        db.saveUser(renamed);
        return renamed;
    }

    @GCached(keyType = "user_id", id = "userId", useCase = "GetUserFeed")
    public Uni<List<Post>> feed(String userId, int page) {
        return Uni.createFrom().item(() -> db.postsMentioning(userId)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(all -> all.stream().skip(page * 5L).limit(5).toList());
    }
}
