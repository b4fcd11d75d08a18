package io.quarkiverse.gcache.deployment;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.PrimitiveType;
import org.jboss.jandex.Type;

import io.quarkiverse.gcache.runtime.keys.IdExtractor;
import io.quarkus.gizmo.BranchResult;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.gizmo.ClassOutput;
import io.quarkus.gizmo.FieldDescriptor;
import io.quarkus.gizmo.MethodCreator;
import io.quarkus.gizmo.MethodDescriptor;
import io.quarkus.gizmo.ResultHandle;

/**
 * Resolves property-path ids ({@code user.id}) at build time and generates the {@link IdExtractor} that reads
 * them, so no call reflects.
 */
final class IdPaths {

    /** One step: a public getter/record accessor, or a public field. */
    record Step(ClassInfo owner, MethodInfo method, FieldInfo field, Type type) {
    }

    /** Resolution result: the steps, or an error message. */
    record Resolution(List<Step> steps, Type type, String error) {
    }

    private IdPaths() {
    }

    static Resolution resolve(Type start, String[] properties, IndexView index) {
        List<Step> steps = new ArrayList<>();
        Type current = start;
        for (String property : properties) {
            if (current.kind() != Type.Kind.CLASS && current.kind() != Type.Kind.PARAMETERIZED_TYPE) {
                return new Resolution(null, null, "type " + current + " has no property '" + property + "'");
            }
            Step step = findStep(current.name(), property, index);
            if (step == null) {
                return new Resolution(null, null, "type " + current.name() + " has no public getter get"
                        + capitalize(property) + "()/is" + capitalize(property) + "(), accessor " + property
                        + "() or public field " + property + " (or the type is not in the Jandex index)");
            }
            steps.add(step);
            current = step.type();
        }
        return new Resolution(steps, current, null);
    }

    private static Step findStep(DotName typeName, String property, IndexView index) {
        ClassInfo info = index.getClassByName(typeName);
        while (info != null) {
            for (String name : List.of("get" + capitalize(property), "is" + capitalize(property), property)) {
                MethodInfo m = info.method(name);
                if (m != null && Modifier.isPublic(m.flags()) && !Modifier.isStatic(m.flags())
                        && m.returnType().kind() != Type.Kind.VOID) {
                    return new Step(info, m, null, m.returnType());
                }
            }
            FieldInfo f = info.field(property);
            if (f != null && Modifier.isPublic(f.flags()) && !Modifier.isStatic(f.flags())) {
                return new Step(info, null, f, f.type());
            }
            info = info.superName() == null ? null : index.getClassByName(info.superName());
        }
        return null;
    }

    /** Generates {@code className implements IdExtractor} reading {@code params[index]} then the steps. */
    static void generate(ClassOutput output, String className, int index, List<Step> steps) {
        try (ClassCreator cc = ClassCreator.builder().classOutput(output).className(className)
                .interfaces(IdExtractor.class).build()) {
            MethodCreator m = cc.getMethodCreator("extract", Object.class, Object[].class);
            ResultHandle value = m.readArrayValue(m.getMethodParam(0), index);
            for (Step step : steps) {
                BranchResult isNull = m.ifNull(value);
                isNull.trueBranch().returnValue(isNull.trueBranch().loadNull());
                ResultHandle owner = m.checkCast(value, step.owner().name().toString());
                if (step.method() != null) {
                    MethodDescriptor d = MethodDescriptor.of(step.method());
                    value = step.owner().isInterface() ? m.invokeInterfaceMethod(d, owner)
                            : m.invokeVirtualMethod(d, owner);
                } else {
                    value = m.readInstanceField(FieldDescriptor.of(step.field()), owner);
                }
                if (step.type().kind() == Type.Kind.PRIMITIVE) {
                    value = box(m, value, step.type().asPrimitiveType().primitive());
                }
            }
            m.returnValue(value);
        }
    }

    private static ResultHandle box(MethodCreator m, ResultHandle v, PrimitiveType.Primitive p) {
        Class<?> boxed = switch (p) {
            case BOOLEAN -> Boolean.class;
            case BYTE -> Byte.class;
            case CHAR -> Character.class;
            case SHORT -> Short.class;
            case INT -> Integer.class;
            case LONG -> Long.class;
            case FLOAT -> Float.class;
            case DOUBLE -> Double.class;
        };
        Class<?> primitive = switch (p) {
            case BOOLEAN -> boolean.class;
            case BYTE -> byte.class;
            case CHAR -> char.class;
            case SHORT -> short.class;
            case INT -> int.class;
            case LONG -> long.class;
            case FLOAT -> float.class;
            case DOUBLE -> double.class;
        };
        return m.invokeStaticMethod(MethodDescriptor.ofMethod(boxed, "valueOf", boxed, primitive), v);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
