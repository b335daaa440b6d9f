package dev.deadlineguard.policy;

import dev.deadlineguard.core.ArgoReplicaSet;

/**
 * Everything the admission decision needs from one AdmissionReview request, already decoded.
 *
 * @param oldObject the ReplicaSet before the update, or {@code null} when the request has none
 * @param object    the ReplicaSet as the update would store it, or {@code null}
 */
public record AdmissionInput(
        String group,
        String version,
        String resource,
        String subResource,
        String operation,
        String namespace,
        String name,
        String username,
        boolean dryRun,
        ArgoReplicaSet oldObject,
        ArgoReplicaSet object) {

    /** An update of the main {@code apps/v1 replicasets} resource (not a subresource). */
    public boolean isReplicaSetUpdate() {
        return "apps".equals(group)
                && "v1".equals(version)
                && "replicasets".equals(resource)
                && (subResource == null || subResource.isEmpty())
                && "UPDATE".equals(operation);
    }

    /** Only replica set updates that carry both objects are judged. */
    public boolean inScope() {
        return isReplicaSetUpdate() && oldObject != null && object != null;
    }

    /** A human-readable {@code namespace/name} of the ReplicaSet under review. */
    public String displayName() {
        String ns = namespace != null && !namespace.isEmpty() ? namespace
                : object != null && object.namespace() != null ? object.namespace() : "";
        String n = name != null && !name.isEmpty() ? name
                : object != null && object.name() != null ? object.name() : "";
        return ns.isEmpty() ? n : ns + "/" + n;
    }
}
