package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.List;

/** The writes the sweeper makes. Each write carries the resourceVersion the decision was made on. */
public interface ClusterActions {

    enum Result { DONE, CONFLICT, FAILED }

    /** One JSON Patch, applied only to the resourceVersion decided on: {@code spec.replicas: 0} and every guarded key removed. */
    Result scaleDown(ReplicaSet decidedOn, List<String> guardedKeys);

    /** One JSON Patch, applied only to the resourceVersion decided on: the deadline key set to {@code value}. */
    Result writeDeadline(ReplicaSet decidedOn, String key, String value);

    /** The latest ReplicaSet from the API server (not the cache): its metadata and {@code spec.replicas}, or {@code null} when it is gone. */
    ReplicaSet reread(String namespace, String name);

    /** A Kubernetes Event on the ReplicaSet. Failing to record one never fails the action. */
    void event(ReplicaSet rs, String type, String reason, String message);
}
