package io.quarkiverse.gcache.it;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.quarkiverse.gcache.GCacheEnabled;
import io.smallrye.common.annotation.Blocking;

/** Products 1–100 in a real database: a cached read and a transactional, invalidating rename (R24). */
@Path("/products")
public class ProductResource {

    @Inject
    ProductService products;

    @GET
    @Path("{id}")
    @GCacheEnabled
    @Blocking
    public ProductView get(@PathParam("id") long id) {
        ProductView product = products.getProduct(id);
        if (product == null) {
            throw new NotFoundException();
        }
        return product;
    }

    @PUT
    @Path("{id}")
    @Blocking
    public ProductView rename(@PathParam("id") long id, Rename body) {
        ProductView product = products.rename(id, body.name());
        if (product == null) {
            throw new NotFoundException();
        }
        return product;
    }

    public record Rename(String name) {
    }
}
