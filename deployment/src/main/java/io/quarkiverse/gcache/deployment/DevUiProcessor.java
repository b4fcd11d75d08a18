package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.devui.GCacheJsonRpcService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/** reference: runtime control: the Dev UI card "GCache" with its live use case page (dev mode only). */
@BuildSteps(onlyIf = IsLocalDevelopment.class)
class DevUiProcessor {

    @BuildStep
    void page(BuildProducer<CardPageBuildItem> cards, BuildProducer<JsonRPCProvidersBuildItem> rpc) {
        // No dependency on the discovered methods: the JSON-RPC provider feeds the bean index they come from.
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Use cases")
                .icon("font-awesome-solid:gauge-high")
                .componentLink("qwc-gcache-use-cases.js"));
        // R22, R23: time saved, live hit rates, shadow verification and the TTL advisor
        card.addPage(Page.webComponentPageBuilder()
                .title("Is it helping")
                .icon("font-awesome-solid:chart-line")
                .componentLink("qwc-gcache-helping.js"));
        cards.produce(card);
        rpc.produce(new JsonRPCProvidersBuildItem(GCacheJsonRpcService.class));
    }
}
