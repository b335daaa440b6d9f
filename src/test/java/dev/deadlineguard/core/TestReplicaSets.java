package dev.deadlineguard.core;

import java.util.HashMap;
import java.util.Map;

/** Hand-made {@link ArgoReplicaSet}s for decision tests. */
public final class TestReplicaSets {

    public static final String ROLLOUT_UID = "9b1f0c7e-rollout-checkout";

    private TestReplicaSets() {
    }

    /** A controller ownerReference to the Rollout {@code name} with {@link #ROLLOUT_UID}. */
    public static ControllerRef rollout(String name) {
        return rollout(name, ROLLOUT_UID);
    }

    public static ControllerRef rollout(String name, String uid) {
        return new ControllerRef(ControllerRef.ROLLOUT_API_VERSION, ControllerRef.ROLLOUT_KIND, name, uid);
    }

    /**
     * @param hash     the {@code rollouts-pod-template-hash} label, or {@code null} for none
     * @param revision {@code rollout.argoproj.io/revision}, or negative for none
     */
    public static ArgoReplicaSet replicaSet(String namespace, String name, String hash, Map<String, String> annotations,
                                            int replicas, long revision, ControllerRef controller, boolean deleting) {
        Map<String, String> all = new HashMap<>(annotations);
        if (revision >= 0) {
            all.put(ArgoReplicaSet.REVISION_ANNOTATION, Long.toString(revision));
        }
        Map<String, String> labels = new HashMap<>(Map.of("app", "checkout"));
        if (hash != null) {
            labels.put(ArgoReplicaSet.HASH_LABEL, hash);
        }
        return new ArgoReplicaSet(namespace, name, "uid-" + name, "100", labels, all, replicas, controller, deleting);
    }
}
