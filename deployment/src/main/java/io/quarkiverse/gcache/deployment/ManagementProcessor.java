package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.GCacheRecorder;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.vertx.http.deployment.BodyHandlerBuildItem;
import io.quarkus.vertx.http.deployment.NonApplicationRootPathBuildItem;
import io.quarkus.vertx.http.deployment.RouteBuildItem;

/** reference: runtime control: the management endpoint {@code /q/gcache} (answers 404 unless enabled at run time). */
class ManagementProcessor {

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void route(NonApplicationRootPathBuildItem paths, BodyHandlerBuildItem body, GCacheRecorder recorder,
            BuildProducer<RouteBuildItem> routes) {
        var handler = recorder.managementHandler();
        for (String path : new String[] { "gcache", "gcache/*" }) {
            routes.produce(paths.routeBuilder().management()
                    .routeFunction(path, recorder.readBodyFirst(body.getHandler())) // PUT bodies are read
                    .handler(handler).blockingRoute().build());
        }
    }
}
