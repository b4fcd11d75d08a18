package io.quarkiverse.gcache.test.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.gcache.GCacheEnabled;
import io.quarkiverse.gcache.GCached;
import io.quarkiverse.gcache.test.GCacheApps;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** R1 over HTTP: @GCacheEnabled enables a request even after an async hop; other requests stay uncached. */
class GCacheEnabledEndpointTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = GCacheApps.withRedis(Users.class, Endpoints.class)
            .overrideConfigKey("quarkus.gcache.http.enable-for-methods", "POST");

    @Inject
    Users users;

    @BeforeEach
    void reset() {
        users.calls.set(0);
    }

    @Test
    void enabledReactiveEndpointIsServedFromCacheAfterAnAsyncHop() {
        for (int i = 0; i < 3; i++) {
            given().get("/users/enabled/1").then().statusCode(200).body(is("user-1"));
        }
        assertThat(users.calls).hasValue(1);
    }

    @Test
    void enabledBlockingEndpointIsServedFromCache() {
        for (int i = 0; i < 3; i++) {
            given().get("/users/blocking/2").then().statusCode(200).body(is("user-2"));
        }
        assertThat(users.calls).hasValue(1);
    }

    @Test
    void endpointWithoutTheAnnotationIsNotCached() {
        for (int i = 0; i < 3; i++) {
            given().get("/users/plain/3").then().statusCode(200).body(is("user-3"));
        }
        assertThat(users.calls).hasValue(3);
    }

    @Test
    void enableForMethodsEnablesWholeHttpMethods() {
        for (int i = 0; i < 3; i++) {
            given().post("/users/by-method/4").then().statusCode(200).body(is("user-4"));
        }
        assertThat(users.calls).hasValue(1);
    }

    @Singleton
    public static class Users {
        final AtomicInteger calls = new AtomicInteger();

        @GCached(keyType = "user_id", id = "id", useCase = "HttpUser", localTtl = "1m", localRamp = 100, remoteTtl = "1m", remoteRamp = 100)
        public Uni<String> get(String id) {
            calls.incrementAndGet();
            return Uni.createFrom().item("user-" + id);
        }

        @GCached(keyType = "user_id", id = "id", useCase = "HttpUserSync", localTtl = "1m", localRamp = 100)
        public String getSync(String id) {
            calls.incrementAndGet();
            return "user-" + id;
        }
    }

    @Path("/users")
    public static class Endpoints {
        @Inject
        Users users;
        @Inject
        Vertx vertx;

        /** The cached call happens in a timer callback: after an async hop, on the request's context. */
        @GET
        @Path("enabled/{id}")
        @GCacheEnabled
        public Uni<String> enabled(@PathParam("id") String id) {
            return hop(id).chain(users::get);
        }

        @GET
        @Path("blocking/{id}")
        @GCacheEnabled
        public String blocking(@PathParam("id") String id) {
            return users.getSync(id);
        }

        @GET
        @Path("plain/{id}")
        public Uni<String> plain(@PathParam("id") String id) {
            return hop(id).chain(users::get);
        }

        @POST
        @Path("by-method/{id}")
        public Uni<String> byMethod(@PathParam("id") String id) {
            return hop(id).chain(users::get);
        }

        private Uni<String> hop(String id) {
            return Uni.createFrom().completionStage(() -> {
                CompletableFuture<String> later = new CompletableFuture<>();
                vertx.setTimer(5, t -> later.complete(id));
                return later;
            });
        }
    }
}
