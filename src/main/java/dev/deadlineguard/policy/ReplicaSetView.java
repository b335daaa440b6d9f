package dev.deadlineguard.policy;

import dev.deadlineguard.core.DeadlineValue;

import java.util.Map;

/**
 * The parts of a ReplicaSet that the deadline rules read. Decoders fill it from the raw object; the
 * pod template and status are deliberately left out.
 *
 * @param replicas {@code spec.replicas}, or {@code null} when the object does not say (the apiserver
 *                 defaults it to 1 before admission, so {@code null} only appears in hand-made input)
 */
public record ReplicaSetView(
        String namespace,
        String name,
        String uid,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean controlledByRollout,
        Integer replicas) {

    /** The label Argo Rollouts puts on every ReplicaSet it manages. */
    public static final String POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";

    public ReplicaSetView {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Guarded: owned by a Rollout as its controller, or labelled by Argo Rollouts. */
    public boolean managedByArgoRollouts() {
        return controlledByRollout || labels.containsKey(POD_TEMPLATE_HASH_LABEL);
    }

    public DeadlineValue deadline(String key) {
        return DeadlineValue.of(annotations.get(key));
    }

    /** {@code spec.replicas} as the apiserver would default it. */
    public int effectiveReplicas() {
        return replicas == null ? 1 : replicas;
    }
}
