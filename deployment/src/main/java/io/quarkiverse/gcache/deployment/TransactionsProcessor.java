package io.quarkiverse.gcache.deployment;

import io.quarkiverse.gcache.runtime.invalidation.JtaAfterCommit;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * R24: invalidations inside a JTA transaction are made again when it completes, only when the application has JTA
 * (quarkus-narayana-jta, which Hibernate ORM brings). Decided here, once: without the bean the runtime never waits for a
 * transaction and never loads a {@code jakarta.transaction} class.
 */
class TransactionsProcessor {

    @BuildStep
    void jta(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.TRANSACTIONS)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(JtaAfterCommit.class));
        }
    }
}
