package dev.deadlineguard.core;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.List;
import java.util.Map;

/**
 * The one model of an Argo-managed ReplicaSet that admission, the sweeper and the reports share: what any of them
 * reads from a ReplicaSet, the rule for "managed by Argo Rollouts", and the one lookup of its deadline.
 *
 * <p>Keys: the Argo Rollouts controller reads and writes only {@link #DEADLINE_KEY} ({@code scale-down-deadline});
 * that value is the deadline the controller honours, so it is the one the sweeper enforces and
 * {@code deadline-honoured} judges. The other guarded keys (by default the documented spelling
 * {@link #DOCUMENTED_KEY}) are aliases some users set: the controller ignores them, so they never make a ReplicaSet
 * due, but admission and {@code deadline-well-formed} still guard every guarded key against being blanked or
 * corrupted.
 *
 * @param replicas   {@code spec.replicas} as the apiserver defaults it (1 when the object does not say)
 * @param controller the ownerReference with {@code controller: true}, or {@code null}
 * @param deleting   {@code metadata.deletionTimestamp} is set
 */
public record ArgoReplicaSet(String namespace, String name, String uid, String resourceVersion,
                             Map<String, String> labels, Map<String, String> annotations, int replicas,
                             ControllerRef controller, boolean deleting) {

    /** The label Argo Rollouts puts on every ReplicaSet it manages. */
    public static final String HASH_LABEL = "rollouts-pod-template-hash";
    public static final String REVISION_ANNOTATION = "rollout.argoproj.io/revision";
    /** The key the controller really reads and writes (no prefix). */
    public static final String DEADLINE_KEY = "scale-down-deadline";
    /** The key as the Argo Rollouts documentation spells it; the controller does not read it. */
    public static final String DOCUMENTED_KEY = "argo-rollouts.argoproj.io/scale-down-deadline";

    public ArgoReplicaSet {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Managed by Argo Rollouts: controlled by a Rollout, or labelled with its pod-template hash. */
    public boolean managedByArgoRollouts() {
        return controlledByRollout() || labels.containsKey(HASH_LABEL);
    }

    public boolean controlledByRollout() {
        return controller != null && controller.isRollout();
    }

    /** The name of the controlling Rollout, or {@code null} when a Rollout does not control it. */
    public String rolloutName() {
        return controlledByRollout() ? controller.name() : null;
    }

    public String podTemplateHash() {
        return labels.get(HASH_LABEL);
    }

    /** The value under one annotation key, classified. */
    public DeadlineValue value(String key) {
        return DeadlineValue.of(annotations.get(key));
    }

    /** The deadline the controller honours: {@link #DEADLINE_KEY}. */
    public DeadlineValue deadline() {
        return value(DEADLINE_KEY);
    }

    /** {@code rollout.argoproj.io/revision}, or -1 when absent or not a number. */
    public long revision() {
        String value = annotations.get(REVISION_ANNOTATION);
        try {
            return value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    public static ArgoReplicaSet of(ReplicaSet rs) {
        ObjectMeta meta = rs.getMetadata();
        Integer replicas = rs.getSpec() == null ? null : rs.getSpec().getReplicas();
        return new ArgoReplicaSet(meta.getNamespace(), meta.getName(), meta.getUid(), meta.getResourceVersion(),
                meta.getLabels(), meta.getAnnotations(), replicas == null ? 1 : replicas,
                controllerOf(meta.getOwnerReferences()), meta.getDeletionTimestamp() != null);
    }

    private static ControllerRef controllerOf(List<OwnerReference> refs) {
        if (refs != null) {
            for (OwnerReference ref : refs) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    return new ControllerRef(ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getUid());
                }
            }
        }
        return null;
    }
}
