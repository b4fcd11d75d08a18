package io.quarkiverse.gcache.it;

import jakarta.inject.Inject;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/**
 * A write the application does not make: a migration, another service or a hand-written SQL update changes a row
 * directly, and nothing invalidates the cache. Shadow verification (reference R22) is how such stale values are
 * found; the demo's tests and the Dev UI use this to show it.
 */
@Path("/db/users/{id}")
public class DbUsersResource {

    @Inject
    SlowDatabase db;

    @PUT
    public User renameBehindTheCache(@PathParam("id") String id, UserResource.Rename body) {
        User current = db.findUser(id);
        User renamed = new User(id, body.name(), current == null ? null : current.email());
        db.saveUser(renamed);
        return renamed;
    }
}
