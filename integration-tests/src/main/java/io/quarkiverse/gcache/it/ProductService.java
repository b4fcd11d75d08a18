package io.quarkiverse.gcache.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.quarkiverse.gcache.GCacheInvalidate;
import io.quarkiverse.gcache.GCached;
import io.quarkus.runtime.StartupEvent;

/**
 * Products in a real database through Hibernate ORM with Panache: the way a Quarkus service usually writes, a
 * {@code @Transactional} method that also invalidates (reference R24: the invalidation is made again once the
 * transaction has committed, so no read between the flush and the commit leaves the old row cached).
 */
@ApplicationScoped
public class ProductService {

    @Inject
    CommitLatency commitLatency;

    /** TTLs and ramps live in application.properties. Reads need no transaction. */
    @GCached(keyType = "product_id", id = "id", useCase = "GetProduct")
    public ProductView getProduct(long id) {
        return ProductView.of(Product.findById(id));
    }

    @Transactional
    @GCacheInvalidate(keyType = "product_id", id = "id")
    public ProductView rename(long id, String name) {
        Product product = Product.findById(id);
        if (product == null) {
            return null;
        }
        product.name = name;
        Product.flush();
        commitLatency.hold(); // demo.db.commit-latency: the commit of this row waits that long
        return ProductView.of(product);
    }

    /** Products 1–100, when the database has none (a shared database is seeded by its first instance). */
    @Transactional
    void seed(@Observes StartupEvent event) {
        if (Product.count() == 0) {
            for (long i = 1; i <= 100; i++) {
                Product p = new Product();
                p.id = i;
                p.name = "Product " + i;
                p.persist();
            }
        }
    }
}
