package io.quarkiverse.gcache.runtime.scope;

import java.util.Map;

import org.eclipse.microprofile.context.spi.ThreadContextProvider;
import org.eclipse.microprofile.context.spi.ThreadContextSnapshot;

/**
 * Carries the enable state to the threads a reactive pipeline or a managed executor hops to (MicroProfile Context
 * Propagation, which Mutiny uses in Quarkus). The state captured is the effective one, request-wide flag included,
 * so a hop from an enabled request to a worker pool stays enabled.
 */
public class ScopePropagation implements ThreadContextProvider {

    @Override
    public ThreadContextSnapshot currentContext(Map<String, String> props) {
        EnableScopes.State captured = EnableScopes.current();
        return () -> {
            EnableScopes.State previous = EnableScopes.swapThreadState(captured);
            return () -> EnableScopes.swapThreadState(previous);
        };
    }

    @Override
    public ThreadContextSnapshot clearedContext(Map<String, String> props) {
        return () -> {
            EnableScopes.State previous = EnableScopes.swapThreadState(null);
            return () -> EnableScopes.swapThreadState(previous);
        };
    }

    @Override
    public String getThreadContextType() {
        return "GCache";
    }
}
