package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Argo Rollouts API, read as generic resources: no Argo client library. */
public final class RolloutResources {

    public static final ResourceDefinitionContext ROLLOUTS = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io")
            .withVersion("v1alpha1")
            .withKind("Rollout")
            .withPlural("rollouts")
            .withNamespaced(true)
            .build();

    private RolloutResources() {
    }
}
