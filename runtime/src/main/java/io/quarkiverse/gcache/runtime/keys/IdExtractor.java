package io.quarkiverse.gcache.runtime.keys;

/**
 * Reads the entity id out of a call's parameters. The deployment module generates one implementation per property
 * path ({@code user.id}), so no call reflects; a plain parameter id uses {@link ParameterIdExtractor}.
 * Implementations return {@code null} when a step of the path is {@code null}.
 */
public interface IdExtractor {

    Object extract(Object[] params);
}
