package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rollouts and ReplicaSets shaped as Argo Rollouts writes them (also for the jar tests in {@code it}). */
public final class ArgoObjects {

    public static final String NS = "shop";
    public static final String ROLLOUT = "checkout";
    public static final String KEY = "scale-down-deadline";

    private ArgoObjects() {
    }

    public static ReplicaSet replicaSet(String hash, long revision, int replicas, Map<String, String> extraAnnotations) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put("rollout.argoproj.io/revision", Long.toString(revision));
        annotations.put("rollout.argoproj.io/desired-replicas", "3");
        annotations.putAll(extraAnnotations);
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace(NS).withName(ROLLOUT + "-" + hash)
                .withLabels(Map.of("app", "checkout", "rollouts-pod-template-hash", hash))
                .withAnnotations(annotations)
                .addNewOwnerReference()
                .withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName(ROLLOUT)
                .withUid(ROLLOUT_UID_PLACEHOLDER).withController(true).withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(Map.of("app", "checkout", "rollouts-pod-template-hash", hash)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(Map.of("app", "checkout", "rollouts-pod-template-hash", hash)).endMetadata()
                .withNewSpec().addNewContainer().withName("checkout").withImage("ghcr.io/example/checkout:" + revision).endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The ownerReference uid {@link #replicaSet} writes until {@link #ownedByTheRolloutOnTheServer} replaces it. */
    static final String ROLLOUT_UID_PLACEHOLDER = "rollout-uid";

    /**
     * Gives a ReplicaSet's placeholder controller ownerReference the uid the API server gave the Rollout of that name,
     * as the Argo controller would (a reference with another uid is someone else's). Leaves other uids alone.
     */
    public static ReplicaSet ownedByTheRolloutOnTheServer(io.fabric8.kubernetes.client.KubernetesClient client, ReplicaSet rs) {
        for (io.fabric8.kubernetes.api.model.OwnerReference ref : rs.getMetadata().getOwnerReferences()) {
            if (ROLLOUT_UID_PLACEHOLDER.equals(ref.getUid())) {
                GenericKubernetesResource owner = client.genericKubernetesResources(RolloutResources.ROLLOUTS)
                        .inNamespace(rs.getMetadata().getNamespace()).withName(ref.getName()).get();
                if (owner != null) {
                    ref.setUid(owner.getMetadata().getUid());
                }
            }
        }
        return rs;
    }

    public static ReplicaSet withDeadline(String hash, long revision, int replicas, String deadline) {
        return replicaSet(hash, revision, replicas, deadline == null ? Map.of() : Map.of(KEY, deadline));
    }

    /** A Rollout whose status is current (observedGeneration == generation) with the given status fields. */
    public static GenericKubernetesResource rollout(Map<String, Object> status, Map<String, Object> strategy) {
        return rollout(status, strategy, 1L, "1");
    }

    public static GenericKubernetesResource rollout(Map<String, Object> status, Map<String, Object> strategy, long generation,
                                             String observedGeneration) {
        Map<String, Object> fullStatus = new LinkedHashMap<>(status);
        fullStatus.put("observedGeneration", observedGeneration);
        GenericKubernetesResource rollout = new GenericKubernetesResourceBuilder()
                .withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                .withNewMetadata().withNamespace(NS).withName(ROLLOUT).withGeneration(generation).endMetadata()
                .build();
        rollout.setAdditionalProperty("spec", Map.of("replicas", 3, "strategy", strategy));
        rollout.setAdditionalProperty("status", fullStatus);
        return rollout;
    }

    public static Map<String, Object> canary() {
        return Map.of("canary", Map.of("steps", java.util.List.of(Map.of("setWeight", 20))));
    }

    public static Map<String, Object> blueGreen(int scaleDownDelaySeconds) {
        return Map.of("blueGreen", Map.of("activeService", "checkout", "scaleDownDelaySeconds", scaleDownDelaySeconds));
    }
}
