package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.Map;

/**
 * The informer's store for Rollouts: everything but what the sweeper never reads and that makes a
 * Rollout large (the pod template, {@code managedFields}, the last-applied annotation and the status
 * conditions), dropped as each object arrives.
 */
final class RolloutStore extends BasicItemStore<GenericKubernetesResource> {

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    RolloutStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        return super.put(key, slim(obj));
    }

    static GenericKubernetesResource slim(GenericKubernetesResource rollout) {
        rollout.getMetadata().setManagedFields(null);
        if (rollout.getMetadata().getAnnotations() != null) {
            rollout.getMetadata().getAnnotations().remove(LAST_APPLIED);
        }
        if (rollout.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
            spec.remove("template");
        }
        if (rollout.getAdditionalProperties().get("status") instanceof Map<?, ?> status) {
            status.remove("conditions");
        }
        return rollout;
    }
}
