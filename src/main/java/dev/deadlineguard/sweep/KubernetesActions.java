package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.deadlineguard.admission.DeadlinePatch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.deadlineguard.events.ReplicaSetEvents;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** {@link ClusterActions} against the API server with fabric8. */
public final class KubernetesActions implements ClusterActions {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesActions.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final ReplicaSetEvents events;

    public KubernetesActions(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.events = new ReplicaSetEvents(client, clock, instance);
    }

    @Override
    public Result scaleDown(ReplicaSet decidedOn, List<String> guardedKeys) {
        ArrayNode patch = guardedPatch(decidedOn);
        guardedKeys.stream().filter(annotations(decidedOn)::containsKey)
                .forEach(key -> patch.addObject().put("op", "remove").put("path", DeadlinePatch.annotationPointer(key)));
        patch.addObject().put("op", "replace").put("path", "/spec/replicas").put("value", 0);
        return patch(decidedOn, patch);
    }

    @Override
    public Result writeDeadline(ReplicaSet decidedOn, String key, String value) {
        ArrayNode patch = guardedPatch(decidedOn);
        if (decidedOn.getMetadata().getAnnotations() == null) {
            patch.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value").put(key, value);
        } else {
            patch.addObject().put("op", "add").put("path", DeadlinePatch.annotationPointer(key)).put("value", value);
        }
        return patch(decidedOn, patch);
    }

    /**
     * An RFC 6902 JSON Patch that first sets the resourceVersion the decision was made on: the API server
     * applies it only to that version and answers 409 otherwise. Only what changes travels, not the object.
     */
    private static ArrayNode guardedPatch(ReplicaSet decidedOn) {
        ArrayNode patch = JSON.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion")
                .put("value", decidedOn.getMetadata().getResourceVersion());
        return patch;
    }

    private Result patch(ReplicaSet decidedOn, ArrayNode patch) {
        String namespace = decidedOn.getMetadata().getNamespace();
        String name = decidedOn.getMetadata().getName();
        try {
            // resource(...) rather than withName(...): fabric8 would GET the object first to patch by name
            // the slim type, so that the answer (the whole patched object) binds only metadata and spec.replicas
            client.resources(SlimReplicaSet.class, SlimReplicaSet.List.class).inNamespace(namespace)
                    .resource(SlimReplicaSet.of(decidedOn)).patch(PatchContext.of(PatchType.JSON), patch.toString());
            return Result.DONE;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Result.CONFLICT;
            }
            LOG.warn("patching ReplicaSet {}/{} failed: {}", namespace, name,
                    dev.deadlineguard.cluster.ConnectionProblem.describe(e));
            return Result.FAILED;
        }
    }

    @Override
    public ReplicaSet reread(String namespace, String name) {
        SlimReplicaSet latest = client.resources(SlimReplicaSet.class, SlimReplicaSet.List.class).inNamespace(namespace)
                .withName(name).get();
        return latest == null ? null : latest.toReplicaSet();
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
