package io.quarkiverse.gcache.it;

public record Post(String id, String authorId, String title) {
}
