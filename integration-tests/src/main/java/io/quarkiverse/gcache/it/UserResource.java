package io.quarkiverse.gcache.it;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.quarkiverse.gcache.GCacheEnabled;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

@Path("/users")
public class UserResource {

    @Inject
    UserService users;

    @GET
    @Path("{id}")
    @GCacheEnabled
    @Blocking
    public User get(@PathParam("id") String id) {
        User user = users.getUser(id);
        if (user == null) {
            throw new NotFoundException();
        }
        return user;
    }

    @PUT
    @Path("{id}")
    @Blocking
    public User rename(@PathParam("id") String id, Rename body) {
        User user = users.rename(id, body.name());
        if (user == null) {
            throw new NotFoundException();
        }
        return user;
    }

    public record Rename(String name) {
    }

    /** The N+1 shape: one query for the posts, then one user lookup per post author. */
    @GET
    @Path("{id}/feed")
    @GCacheEnabled
    @Blocking
    public List<FeedItem> feed(@PathParam("id") String id, @QueryParam("page") int page) {
        return users.feed(id, page).await().indefinitely().stream()
                .map(p -> new FeedItem(p.title(), users.getUser(p.authorId()).name())).toList();
    }

    /** Same as {@link #get}, without caching: to compare. */
    @GET
    @Path("{id}/uncached")
    @Blocking
    public User uncached(@PathParam("id") String id) {
        return users.getUser(id);
    }

    @GET
    @Path("{id}/reactive")
    @GCacheEnabled
    public Uni<List<Post>> reactive(@PathParam("id") String id) {
        return users.feed(id, 0);
    }

    public record FeedItem(String title, String author) {
    }
}
