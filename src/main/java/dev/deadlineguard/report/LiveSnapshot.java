package dev.deadlineguard.report;

import dev.deadlineguard.sweep.RolloutResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.List;

/**
 * Reads what {@code audit --cluster} judges straight from the API server: ReplicaSets and Rollouts, with LIST
 * requests only. Nothing is watched, written or cached.
 */
public final class LiveSnapshot {

    /** The cluster could not be read; the message says what to do. */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private LiveSnapshot() {
    }

    /**
     * @param namespace the namespace to read, or {@code null} for all
     * @return the ReplicaSets and Rollouts; a cluster without the Rollouts CRD has none (said in {@code problems})
     */
    public static AuditInput.Parsed read(KubernetesClient client, String namespace, List<String> notes) throws Unreadable {
        List<ReplicaSet> replicaSets;
        try {
            replicaSets = (namespace == null ? client.apps().replicaSets().inAnyNamespace()
                    : client.apps().replicaSets().inNamespace(namespace)).list().getItems();
        } catch (KubernetesClientException e) {
            throw new Unreadable("cannot list ReplicaSets " + where(namespace) + ": " + reason(e));
        }
        List<GenericKubernetesResource> rollouts;
        try {
            rollouts = (namespace == null ? client.genericKubernetesResources(RolloutResources.ROLLOUTS).inAnyNamespace()
                    : client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(namespace)).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw new Unreadable("cannot list Rollouts " + where(namespace) + ": " + reason(e));
            }
            notes.add("the Rollouts API (argoproj.io/v1alpha1 rollouts) is not installed; no ReplicaSet has a Rollout");
            rollouts = List.of();
        }
        return new AuditInput.Parsed(replicaSets, rollouts, 0, List.of());
    }

    private static String where(String namespace) {
        return namespace == null ? "in all namespaces" : "in namespace " + namespace;
    }

    private static String reason(KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return "access denied (HTTP " + e.getCode() + "); audit --cluster needs list on replicasets (apps) and "
                    + "rollouts (argoproj.io)";
        }
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + dev.deadlineguard.admission.Messages.clip(
                String.valueOf(message).lines().findFirst().orElse(""), 200);
    }
}
