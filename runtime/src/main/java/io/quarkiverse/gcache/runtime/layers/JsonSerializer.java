package io.quarkiverse.gcache.runtime.layers;

import java.lang.reflect.Type;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.quarkiverse.gcache.GCacheSerializer;

/**
 * The default codec: JSON through the application's {@link ObjectMapper}, read back with the method's declared
 * value type (never with type information found in the bytes; R14). Readers and writers are made once per type.
 */
public final class JsonSerializer implements GCacheSerializer {

    private final ObjectMapper mapper;
    private final ConcurrentHashMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

    public JsonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public byte[] serialize(Object value, Type type) throws Exception {
        return writers.computeIfAbsent(type, t -> mapper.writerFor(mapper.constructType(t))).writeValueAsBytes(value);
    }

    @Override
    public Object deserialize(byte[] bytes, Type type) throws Exception {
        return readers.computeIfAbsent(type, t -> mapper.readerFor(mapper.constructType(t))).readValue(bytes);
    }
}
