package io.quarkiverse.gcache.runtime.layers;

import java.lang.reflect.Type;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkiverse.gcache.GCacheSerializer;

/**
 * The default codec: JSON through the application's {@link ObjectMapper}, read back with the method's declared
 * value type (never with type information found in the bytes; R14). Readers and writers are made once per type.
 * <p>
 * R31: zone-carrying dates come back as they were stored, whatever the application's mapper says for its own JSON:
 * written as ISO text with their zone id ({@code ZonedDateTime}) or offset ({@code OffsetDateTime}), never as
 * timestamps, and read without adjusting them to the mapper's time zone (Jackson's default is UTC). Otherwise a
 * REMOTE hit would hand back the same instant in another zone, which {@code equals} and shadow verification see as a
 * different value.
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
        return writers.computeIfAbsent(type, t -> mapper.writerFor(mapper.constructType(t))
                .with(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                .without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)).writeValueAsBytes(value);
    }

    @Override
    public Object deserialize(byte[] bytes, Type type) throws Exception {
        return readers.computeIfAbsent(type, t -> mapper.readerFor(mapper.constructType(t))
                .without(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)).readValue(bytes);
    }
}
