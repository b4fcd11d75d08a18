package io.quarkiverse.gcache.deployment;

import org.jboss.jandex.AnnotationTransformation;
import org.jboss.jandex.DotName;

import io.quarkiverse.gcache.runtime.invalidation.HibernateReactiveAfterCommit;
import io.quarkiverse.gcache.runtime.invalidation.JtaAfterCommit;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.AnnotationsTransformerBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * R24: invalidations inside a transaction are made again when it completes, only when the application has
 * transactions: JTA (quarkus-narayana-jta, which Hibernate ORM brings) and/or Hibernate Reactive
 * (quarkus-hibernate-reactive, which its Panache brings). Decided here, once: without the beans the runtime never waits
 * for a transaction and never loads a {@code jakarta.transaction} or {@code org.hibernate.reactive} class. With both,
 * the Hibernate Reactive one is the selected {@code AfterCommit} (an alternative) and delegates to the JTA one outside
 * reactive transactions (reference R24, section "Hibernate Reactive").
 */
class TransactionsProcessor {

    /** Quarkus' declarative reactive transactions (quarkus-hibernate-reactive-panache-common), named, not linked. */
    static final DotName WITH_TRANSACTION = DotName
            .createSimple("io.quarkus.hibernate.reactive.panache.common.WithTransaction");
    static final DotName REACTIVE_TRANSACTIONAL = DotName
            .createSimple("io.quarkus.hibernate.reactive.panache.common.runtime.ReactiveTransactional");

    @BuildStep
    void jta(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.TRANSACTIONS)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(JtaAfterCommit.class));
        }
    }

    @BuildStep
    void hibernateReactive(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans,
            BuildProducer<AnnotationsTransformerBuildItem> transformers) {
        if (!capabilities.isPresent(Capability.HIBERNATE_REACTIVE)) {
            return;
        }
        beans.produce(AdditionalBeanBuildItem.builder().setUnremovable()
                .addBeanClasses(HibernateReactiveAfterCommit.class, HibernateReactiveAfterCommit.Boundary.class,
                        HibernateReactiveAfterCommit.BoundaryInterceptor.class)
                .build());
        // A @WithTransaction class or method is a transaction boundary: its interceptor, outside Quarkus', makes the
        // invalidations of the transaction again once the method's Uni has terminated, whatever the outcome.
        transformers.produce(new AnnotationsTransformerBuildItem(AnnotationTransformation.builder()
                .whenAnyMatch(WITH_TRANSACTION, REACTIVE_TRANSACTIONAL)
                .transform(ctx -> ctx.add(HibernateReactiveAfterCommit.Boundary.class))));
    }
}
