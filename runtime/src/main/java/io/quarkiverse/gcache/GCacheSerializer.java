package io.quarkiverse.gcache;

import java.lang.reflect.Type;

/**
 * Per-use-case codec of REMOTE values (reference: API, R14). Implementations are application-scoped beans or classes
 * with a no-arg constructor; they must be thread-safe and must not take type information from the stored bytes:
 * the {@code type} passed in is the method's declared value type, resolved at build time.
 */
public interface GCacheSerializer {

    byte[] serialize(Object value, Type type) throws Exception;

    Object deserialize(byte[] bytes, Type type) throws Exception;

    /** Marker for "JSON through the application's Jackson {@code ObjectMapper}". Never instantiated. */
    final class Default implements GCacheSerializer {
        private Default() {
        }

        @Override
        public byte[] serialize(Object value, Type type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object deserialize(byte[] bytes, Type type) {
            throw new UnsupportedOperationException();
        }
    }
}
