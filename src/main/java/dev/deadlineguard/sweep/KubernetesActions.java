package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.deadlineguard.events.ReplicaSetEvents;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link ClusterActions} against the API server with fabric8. */
public final class KubernetesActions implements ClusterActions {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesActions.class);

    private final KubernetesClient client;
    private final ReplicaSetEvents events;

    public KubernetesActions(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.events = new ReplicaSetEvents(client, clock, instance);
    }

    @Override
    public Result scaleDown(ReplicaSet decidedOn, List<String> guardedKeys) {
        Map<String, String> annotations = new HashMap<>(annotations(decidedOn));
        guardedKeys.forEach(annotations::remove);
        ReplicaSet updated = new ReplicaSetBuilder(decidedOn)
                .editMetadata().withAnnotations(annotations).endMetadata()
                .editSpec().withReplicas(0).endSpec()
                .build();
        return update(updated);
    }

    @Override
    public Result writeDeadline(ReplicaSet decidedOn, String key, String value) {
        Map<String, String> annotations = new HashMap<>(annotations(decidedOn));
        annotations.put(key, value);
        return update(new ReplicaSetBuilder(decidedOn).editMetadata().withAnnotations(annotations).endMetadata().build());
    }

    private Result update(ReplicaSet updated) {
        try {
            // update() sends the object's resourceVersion: the API server answers 409 if it changed meanwhile.
            client.apps().replicaSets().inNamespace(updated.getMetadata().getNamespace()).resource(updated).update();
            return Result.DONE;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Result.CONFLICT;
            }
            LOG.warn("updating ReplicaSet {}/{} failed: HTTP {} {}", updated.getMetadata().getNamespace(),
                    updated.getMetadata().getName(), e.getCode(), e.getMessage());
            return Result.FAILED;
        }
    }

    @Override
    public ReplicaSet reread(String namespace, String name) {
        return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    }

    @Override
    public void event(ReplicaSet rs, String type, String reason, String message) {
        events.record(events.build(rs.getMetadata().getNamespace(), rs.getMetadata().getName(), rs.getMetadata().getUid(),
                rs.getMetadata().getResourceVersion(), type, reason, message));
    }

    private static Map<String, String> annotations(ReplicaSet rs) {
        return rs.getMetadata().getAnnotations() == null ? Map.of() : rs.getMetadata().getAnnotations();
    }
}
