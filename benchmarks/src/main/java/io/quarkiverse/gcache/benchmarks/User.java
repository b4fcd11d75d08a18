package io.quarkiverse.gcache.benchmarks;

/** The cached value of every row: small, and JSON for REMOTE. */
public record User(String id, String name, String email) {
}
