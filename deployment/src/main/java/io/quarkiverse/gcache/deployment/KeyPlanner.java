package io.quarkiverse.gcache.deployment;

import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_ARG;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_ID;
import static io.quarkiverse.gcache.deployment.GCacheDotNames.GCACHE_IGNORE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.MethodParameterInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.gcache.deployment.exception.EntityIdException;
import io.quarkiverse.gcache.deployment.exception.GCacheDefinitionException;
import io.quarkiverse.gcache.deployment.exception.UnstableKeyArgumentException;
import io.quarkiverse.gcache.runtime.keys.IdSource;
import io.quarkiverse.gcache.runtime.keys.KeyArg;
import io.quarkus.gizmo.ClassOutput;
import io.quarkus.runtime.util.HashUtil;

/**
 * Key planning for both annotations (reference R4, R13): which parameter holds the entity id and through which
 * property path, which parameters are key arguments and how each becomes a string. Property paths become generated
 * {@code IdExtractor} classes, so no call reflects.
 */
final class KeyPlanner {

    private KeyPlanner() {
    }

    /** The id parameter and the property path from it ({@code user.id}), resolved against the index. */
    record IdPlan(int parameter, List<IdPaths.Step> steps) {
    }

    /**
     * The id of {@code method} from the annotation's {@code id} attribute or its {@code @GCacheId} parameter, or
     * {@code null} after adding the reason to {@code errors}.
     */
    static IdPlan resolveId(MethodInfo method, AnnotationInstance annotation, String declaration, IndexView index,
            List<GCacheDefinitionException> errors) {
        String idAttribute = stringValue(annotation, "id");
        int idParam = -1;
        String path = null;
        for (int i = 0; i < method.parametersCount(); i++) {
            AnnotationInstance gid = parameterAnnotation(method, i, GCACHE_ID);
            if (gid != null) {
                if (idParam >= 0) {
                    errors.add(new EntityIdException(declaration,
                            "more than one parameter carries @GCacheId; mark exactly one"));
                    return null;
                }
                idParam = i;
                path = gid.value() == null ? "" : gid.value().asString();
            }
        }
        if (idParam >= 0 && !idAttribute.isEmpty()) {
            errors.add(new EntityIdException(declaration, "the id is given twice, by id = \"" + idAttribute
                    + "\" and by @GCacheId on parameter " + paramName(method, idParam) + "; keep one"));
            return null;
        }
        if (idParam < 0 && idAttribute.isEmpty()) {
            errors.add(new EntityIdException(declaration,
                    "no entity id; set id = \"<parameter>[.property]\" or mark a parameter with @GCacheId"));
            return null;
        }
        for (int i = 0; i < method.parametersCount(); i++) {
            if (method.parameterName(i) == null) {
                errors.add(new EntityIdException(declaration, "parameter names are not available; compile with "
                        + "-parameters (maven-compiler-plugin <parameters>true</parameters>)"));
                return null;
            }
        }
        if (idParam < 0) {
            String[] parts = idAttribute.split("\\.", -1);
            for (int i = 0; i < method.parametersCount(); i++) {
                if (method.parameterName(i).equals(parts[0])) {
                    idParam = i;
                }
            }
            if (idParam < 0) {
                errors.add(new EntityIdException(declaration, "id = \"" + idAttribute + "\" names no parameter; "
                        + "parameters are " + method.parameters().stream().map(MethodParameterInfo::name).toList()));
                return null;
            }
            path = String.join(".", Arrays.copyOfRange(parts, 1, parts.length));
        }
        List<IdPaths.Step> steps = List.of();
        Type idType = method.parameterType(idParam);
        String name = method.parameterName(idParam);
        if (!path.isEmpty()) {
            IdPaths.Resolution r = IdPaths.resolve(idType, path.split("\\.", -1), index);
            if (r.error() != null) {
                errors.add(new EntityIdException(declaration, "id '" + name + "." + path + "' of parameter " + name
                        + " cannot be resolved: " + r.error()));
                return null;
            }
            steps = r.steps();
            idType = r.type();
        }
        if (!KeyTypes.isStable(idType, index)) {
            errors.add(new EntityIdException(declaration, "the id (parameter " + name
                    + (path.isEmpty() ? "" : ", path " + path) + ") has type " + idType + ", which has no stable "
                    + "string form; use a primitive, String, UUID, enum, record or a type declaring toString, or a "
                    + "property path to such a value"));
            return null;
        }
        return new IdPlan(idParam, steps);
    }

    /**
     * The key arguments of {@code method}: every parameter but the id and {@code @GCacheIgnore} ones, sorted by name
     * (R4), each with its key form (R30, {@link ArgForms}). Unstable ones are added to {@code errors}.
     */
    static List<KeyArg> planArgs(MethodInfo method, int idParam, String declaration, IndexView index,
            List<GCacheDefinitionException> errors) {
        List<KeyArg> args = new ArrayList<>();
        for (int i = 0; i < method.parametersCount(); i++) {
            if (i == idParam || parameterAnnotation(method, i, GCACHE_IGNORE) != null) {
                continue;
            }
            AnnotationInstance arg = parameterAnnotation(method, i, GCACHE_ARG);
            String adapter = arg == null ? null : arg.value("adapter").asClass().name().toString();
            String form = null;
            if (adapter == null) {
                String[] failure = new String[1];
                form = ArgForms.form(method.parameterType(i), index, failure);
                if (form == null) {
                    errors.add(new UnstableKeyArgumentException(declaration, method.parameterName(i), "parameter "
                            + method.parameterName(i) + " of type " + method.parameterType(i) + " has no stable "
                            + "string form for the cache key" + (failure[0] == null ? "" : " (" + failure[0] + ")")
                            + "; add @GCacheArg(adapter = ...) or @GCacheIgnore"));
                    continue;
                }
            }
            args.add(new KeyArg(method.parameterName(i), i, adapter, ArgForms.SCALAR.equals(form) ? null : form));
        }
        args.sort(Comparator.comparing(KeyArg::name));
        return args;
    }

    /**
     * The recorded form of {@code id}; a property path gets its extractor class generated, named after the method and
     * a hash of its full signature (stable across builds, unique per method).
     */
    static IdSource emit(IdPlan id, MethodInfo method, String role, ClassOutput output) {
        if (id.steps().isEmpty()) {
            return new IdSource(id.parameter(), null);
        }
        String className = method.declaringClass().name() + "$$" + role + "$" + method.name() + "$"
                + HashUtil.sha1(signature(method)).substring(0, 12);
        IdPaths.generate(output, className.replace('.', '/'), id.parameter(), id.steps());
        return new IdSource(id.parameter(), className);
    }

    /** {@code com.acme.Users#rename(long,java.lang.String)}: unique per method, overloads included. */
    static String signature(MethodInfo method) {
        return method.declaringClass().name() + "#" + method.name() + "("
                + String.join(",", method.parameterTypes().stream().map(t -> t.name().toString()).toList()) + ")";
    }

    /** {@code com.acme.Users#rename}, the form messages use. */
    static String declaration(MethodInfo method) {
        return method.declaringClass().name() + "#" + method.name();
    }

    /** The attribute's value, {@code ""} when it is not given. */
    static String stringValue(AnnotationInstance a, String name) {
        AnnotationValue v = a.value(name);
        return v == null ? "" : v.asString();
    }

    private static AnnotationInstance parameterAnnotation(MethodInfo method, int position, DotName name) {
        for (AnnotationInstance a : method.annotations(name)) {
            if (a.target().kind() == AnnotationTarget.Kind.METHOD_PARAMETER
                    && a.target().asMethodParameter().position() == position) {
                return a;
            }
        }
        return null;
    }

    private static String paramName(MethodInfo method, int i) {
        String n = method.parameterName(i);
        return n == null ? "#" + i : n;
    }
}
