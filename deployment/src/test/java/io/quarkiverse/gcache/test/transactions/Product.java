package io.quarkiverse.gcache.test.transactions;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

@Entity
public class Product {

    @Id
    public Long id;
    public String name;

    public Product() {
    }

    public Product(long id, String name) {
        this.id = id;
        this.name = name;
    }
}
