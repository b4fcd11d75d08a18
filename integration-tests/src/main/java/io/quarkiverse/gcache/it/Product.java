package io.quarkiverse.gcache.it;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of the demo's real database (H2 in memory by default; see application.properties). */
@Entity
public class Product extends PanacheEntityBase {

    @Id
    public Long id;
    public String name;
}
