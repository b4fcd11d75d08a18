package io.quarkiverse.gcache.benchmarks;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Same priority as GCache's interceptor, so both sit in the same place of the chain. */
@Noop
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 300)
public class NoopInterceptor {

    @AroundInvoke
    Object intercept(InvocationContext ctx) throws Exception {
        return ctx.proceed();
    }
}
