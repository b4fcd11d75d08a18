package io.quarkiverse.gcache.it;

public record User(String id, String name, String email) {
}
