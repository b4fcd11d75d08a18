package io.quarkiverse.gcache.test.transactions;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "rx_product")
public class RxProduct extends PanacheEntityBase {

    @Id
    public Long id;
    public String name;

    public RxProduct() {
    }

    public RxProduct(long id, String name) {
        this.id = id;
        this.name = name;
    }
}
