package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.Map;

/**
 * What the sweeper reads from one ReplicaSet.
 *
 * @param rolloutName the name of the Rollout that controls it, or {@code null}
 * @param revision    {@code rollout.argoproj.io/revision}, or -1 when absent or not a number
 */
public record ReplicaSetState(String namespace, String name, String uid, String resourceVersion, String podTemplateHash,
                              Map<String, String> annotations, int replicas, String rolloutName, long revision,
                              boolean deleting) {

    public static final String HASH_LABEL = "rollouts-pod-template-hash";
    public static final String REVISION_ANNOTATION = "rollout.argoproj.io/revision";

    public ReplicaSetState {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /**
     * The deadline under the first guarded key the ReplicaSet carries; {@code key} is {@code null} and
     * the value absent when it carries none.
     */
    public record GuardedDeadline(String key, dev.deadlineguard.core.DeadlineValue value) {
    }

    public GuardedDeadline guardedDeadline(java.util.List<String> guardedKeys) {
        for (String candidate : guardedKeys) {
            if (annotations.containsKey(candidate)) {
                return new GuardedDeadline(candidate, dev.deadlineguard.core.DeadlineValue.of(annotations.get(candidate)));
            }
        }
        return new GuardedDeadline(null, dev.deadlineguard.core.DeadlineValue.absent());
    }

    public String key() {
        return namespace + "/" + name;
    }

    public static ReplicaSetState of(ReplicaSet rs) {
        ObjectMeta meta = rs.getMetadata();
        String rollout = null;
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference ref : meta.getOwnerReferences()) {
                if ("Rollout".equals(ref.getKind()) && Boolean.TRUE.equals(ref.getController())) {
                    rollout = ref.getName();
                }
            }
        }
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        Integer replicas = rs.getSpec() == null ? null : rs.getSpec().getReplicas();
        return new ReplicaSetState(meta.getNamespace(), meta.getName(), meta.getUid(), meta.getResourceVersion(),
                labels.get(HASH_LABEL), annotations, replicas == null ? 1 : replicas, rollout,
                revision(annotations.get(REVISION_ANNOTATION)), meta.getDeletionTimestamp() != null);
    }

    private static long revision(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
