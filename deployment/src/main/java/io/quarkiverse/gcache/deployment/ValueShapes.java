package io.quarkiverse.gcache.deployment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.RecordComponentInfo;
import org.jboss.jandex.Type;

/**
 * The shape fingerprint of a cached value type (reference rule R14b), computed from the build's index so that a
 * deploy that changes a cached class reads none of the values the previous deploy wrote.
 * <p>
 * The shape of an application class (one in the index, outside {@code java.*}/{@code javax.*}/{@code jdk.*}) is its
 * name and its record components, or its non-static, non-transient fields including inherited ones, each with its
 * name and type's shape, recursively (a cycle is cut at the second visit); an enum's shape is its constants. Every
 * other type (JDK and library types) is just its name; type arguments are part of the shape. The fingerprint is
 * the first 8 bytes of the SHA-256 of that description.
 */
final class ValueShapes {

    private ValueShapes() {
    }

    static long fingerprint(Type type, IndexView index) {
        StringBuilder sb = new StringBuilder();
        describe(type, index, sb, new HashSet<>());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The description the fingerprint hashes; for tests and messages. */
    static String describe(Type type, IndexView index) {
        StringBuilder sb = new StringBuilder();
        describe(type, index, sb, new HashSet<>());
        return sb.toString();
    }

    private static void describe(Type type, IndexView index, StringBuilder sb, Set<DotName> visiting) {
        switch (type.kind()) {
            case ARRAY -> {
                describe(type.asArrayType().elementType(), index, sb, visiting);
                sb.append("[]".repeat(type.asArrayType().dimensions()));
            }
            case CLASS -> describeClass(type.name(), index, sb, visiting);
            case PARAMETERIZED_TYPE -> {
                describeClass(type.name(), index, sb, visiting);
                sb.append('<');
                List<Type> args = type.asParameterizedType().arguments();
                for (int i = 0; i < args.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    describe(args.get(i), index, sb, visiting);
                }
                sb.append('>');
            }
            case WILDCARD_TYPE -> {
                sb.append('?');
                Type bound = type.asWildcardType().extendsBound();
                if (bound != null) {
                    describe(bound, index, sb, visiting);
                }
            }
            case TYPE_VARIABLE -> sb.append('\'').append(type.asTypeVariable().identifier());
            default -> sb.append(type.name()); // primitives
        }
    }

    private static void describeClass(DotName name, IndexView index, StringBuilder sb, Set<DotName> visiting) {
        sb.append(name);
        String n = name.toString();
        ClassInfo c = n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") ? null
                : index.getClassByName(name);
        if (c == null) {
            return;
        }
        if (!visiting.add(name)) {
            sb.append("{…}");
            return;
        }
        sb.append('{');
        if (c.isEnum()) {
            for (FieldInfo f : c.enumConstants()) {
                sb.append(f.name()).append(';');
            }
        } else if (c.isRecord()) {
            for (RecordComponentInfo rc : c.recordComponents()) {
                sb.append(rc.name()).append(':');
                describe(rc.type(), index, sb, visiting);
                sb.append(';');
            }
        } else {
            List<FieldInfo> fields = new ArrayList<>();
            for (ClassInfo k = c; k != null && !k.name().toString().equals("java.lang.Object"); k = k.superName() == null ? null
                    : index.getClassByName(k.superName())) {
                for (FieldInfo f : k.fields()) {
                    if (!java.lang.reflect.Modifier.isStatic(f.flags()) && !java.lang.reflect.Modifier.isTransient(f.flags())) {
                        fields.add(f);
                    }
                }
            }
            fields.sort((a, b) -> a.name().compareTo(b.name()));
            for (FieldInfo f : fields) {
                sb.append(f.name()).append(':');
                describe(f.type(), index, sb, visiting);
                sb.append(';');
            }
        }
        sb.append('}');
        visiting.remove(name);
    }
}
