package io.quarkiverse.gcache.runtime.layers;

import java.lang.reflect.Type;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.gcache.GCacheSerializer;

/**
 * The default codec: JSON through the application's {@link ObjectMapper}, read back with the method's declared
 * value type (never with type information found in the bytes; R14).
 */
public final class JsonSerializer implements GCacheSerializer {

    private final ObjectMapper mapper;

    public JsonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public byte[] serialize(Object value, Type type) throws Exception {
        return mapper.writerFor(javaType(type)).writeValueAsBytes(value);
    }

    @Override
    public Object deserialize(byte[] bytes, Type type) throws Exception {
        return mapper.readerFor(javaType(type)).readValue(bytes);
    }

    private JavaType javaType(Type type) {
        return type instanceof JavaType j ? j : mapper.constructType(type);
    }
}
