package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.GCacheRecorder;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.vertx.http.deployment.BodyHandlerBuildItem;
import io.quarkus.vertx.http.deployment.NonApplicationRootPathBuildItem;
import io.quarkus.vertx.http.deployment.RouteBuildItem;
import io.quarkus.vertx.http.runtime.management.ManagementInterfaceBuildTimeConfig;

/** reference: runtime control: the management endpoint {@code /q/gcache} (answers 404 unless enabled at run time). */
class ManagementProcessor {

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void route(NonApplicationRootPathBuildItem paths, BodyHandlerBuildItem body, GCacheRecorder recorder,
            ManagementInterfaceBuildTimeConfig managementInterface, BuildProducer<RouteBuildItem> routes) {
        // reference: runtime control: with quarkus.management.enabled=true the route is only on the management interface,
        // where Quarkus authenticates nobody unless quarkus.management.auth.enabled (or .basic) is set: then every call
        // would be a 401 whatever the credentials, so the handler is told, to say so at startup and in its 401s.
        boolean withoutAuth = managementInterface.enabled() && !managementInterface.auth().enabled();
        var handler = recorder.managementHandler(withoutAuth);
        for (String path : new String[] { "gcache", "gcache/*" }) {
            routes.produce(paths.routeBuilder().management()
                    .routeFunction(path, recorder.readBodyFirst(body.getHandler())) // PUT bodies are read
                    .handler(handler).blockingRoute().build());
        }
    }
}
