package io.quarkiverse.gcache.runtime;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.quarkiverse.gcache.runtime.invalidation.AfterCommit;
import io.quarkiverse.gcache.runtime.invoke.MethodKind;
import io.quarkiverse.gcache.runtime.scope.EnableScopes;

/**
 * Entry of every {@code @GCached} call. The build adds {@link GCachedBinding} with the resolved use case name to each
 * valid method, so finding the use case is one map lookup; a call outside an enable scope costs that, a thread-local
 * read and one counter increment (R1), plus its span attributes when OpenTelemetry is present (R16).
 */
@GCachedBinding
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 300)
public class GCachedInterceptor {

    @Inject
    GCacheRuntime runtime;

    /**
     * Use case per intercepted method, filled on first call: asking ArC for the binding costs ~25 ns and 32 bytes per
     * call, a lookup by method (hash and equals allocate nothing) a fraction of that. Never shrinks: one entry per
     * {@code @GCached} method.
     */
    private final ConcurrentHashMap<Method, UseCase> byMethod = new ConcurrentHashMap<>();

    /**
     * The first method this instance served, with its use case. ArC creates interceptor instances per intercepted
     * bean and passes the same {@code Method} instance on every call, so for a bean with one cached method (the
     * common case) finding the use case is an identity comparison. Set once: other methods use {@link #byMethod}.
     */
    private MethodUseCase first; // racy publication is safe: the record's fields are final

    private record MethodUseCase(Method method, UseCase useCase) {
    }

    @AroundInvoke
    Object intercept(InvocationContext ctx) throws Exception {
        Method method = ctx.getMethod();
        MethodUseCase f = first;
        UseCase useCase = f != null && f.method() == method ? f.useCase() : find(ctx, method);
        if (!EnableScopes.isEnabled() || useCase == null) {
            if (useCase != null) {
                useCase.outsideScope();
            }
            return ctx.proceed();
        }
        if (useCase.kind() != MethodKind.SYNC) {
            return runtime.readThrough().reactive(useCase, ctx);
        }
        AfterCommit tx = runtime.afterCommit();
        // With JTA, GCache's Redis callbacks must not carry the caller's transaction to Vert.x threads (AfterCommit)
        return tx == AfterCommit.NONE ? runtime.readThrough().sync(useCase, ctx)
                : tx.cachedCall(ctx, c -> runtime.readThrough().sync(useCase, c));
    }

    /** The use case of a method other than the first, or of the first call: off the common path. */
    private UseCase find(InvocationContext ctx, Method method) {
        UseCase useCase = byMethod.get(method);
        if (useCase == null) {
            GCachedBinding binding = ctx.getInterceptorBinding(GCachedBinding.class);
            useCase = binding == null ? null : runtime.useCase(binding.useCase());
            if (useCase == null) {
                return null;
            }
            byMethod.putIfAbsent(method, useCase);
            if (first == null) {
                first = new MethodUseCase(method, useCase);
            }
        }
        return useCase;
    }
}
