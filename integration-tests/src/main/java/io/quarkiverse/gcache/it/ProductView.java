package io.quarkiverse.gcache.it;

/** What is cached and answered: a value, never the managed entity. */
public record ProductView(long id, String name) {

    static ProductView of(Product p) {
        return p == null ? null : new ProductView(p.id, p.name);
    }
}
