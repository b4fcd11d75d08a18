package io.quarkiverse.gcache.it;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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

    @GCached(keyType = "user_id", id = "userId", useCase = "GetUserFeed")
    public Uni<List<Post>> feed(String userId, int page) {
        return Uni.createFrom().item(() -> db.postsMentioning(userId)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(all -> all.stream().skip(page * 5L).limit(5).toList());
    }
}
