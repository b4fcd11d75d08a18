package io.quarkiverse.gcache.runtime.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.gcache.runtime.GCacheRuntime;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.layers.RemoteLayer;
import io.quarkiverse.gcache.runtime.metrics.FailureLog;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * The readiness check {@code gcache} (present with {@code quarkus-smallrye-health}). It stays UP when Redis is down:
 * the application still serves, from the methods, which is the point of failing open (reference R10); an operator
 * who prefers to take instances out of rotation sets {@code quarkus.gcache.health.readiness-down-when-redis-down}.
 * Its data says what an operator needs: {@code remote} ({@code up}, {@code server_down} or {@code disabled}),
 * {@code invalidation_subscription} ({@code subscribed} or {@code gap}, R8a), {@code pending_invalidations} (R18)
 * and {@code last_error}. Non-blocking: one {@code PING}, bounded by {@code remote.timeout}.
 */
@Readiness
@ApplicationScoped
public class GCacheReadinessCheck implements AsyncHealthCheck {

    @Inject
    GCacheRuntime runtime;
    @Inject
    GCacheConfig config;

    @Override
    public Uni<HealthCheckResponse> call() {
        RemoteLayer remote = runtime.remote();
        Uni<String> remoteState = remote == null ? Uni.createFrom().item("disabled")
                : remote.client().send(Request.cmd(Command.PING))
                        .ifNoItem().after(remote.timeout()).fail()
                        .map(pong -> remote.breaker().isOpen() ? "server_down" : "up")
                        .onFailure().recoverWithItem("server_down");
        return remoteState.map(state -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("gcache").withData("remote", state);
            if (remote != null) {
                b.withData("invalidation_subscription", runtime.invalidator().gap().isOpen() ? "gap" : "subscribed");
                b.withData("pending_invalidations", runtime.invalidator().outbox().size());
            }
            String last = FailureLog.last();
            if (last != null) {
                b.withData("last_error", last);
            }
            boolean down = "server_down".equals(state) && config.health().readinessDownWhenRedisDown();
            return b.status(!down).build();
        });
    }
}
