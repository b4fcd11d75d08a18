package io.quarkiverse.gcache.it;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** How many queries reached the slow database: the number caching is meant to bring down. */
@Path("/db/queries")
public class DbResource {

    @Inject
    SlowDatabase db;

    @GET
    public long queries() {
        return db.queries();
    }

    @DELETE
    public void reset() {
        db.resetQueries();
    }
}
