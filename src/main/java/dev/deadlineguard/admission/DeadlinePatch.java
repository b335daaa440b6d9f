package dev.deadlineguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.policy.KeyFinding;
import dev.deadlineguard.policy.Remedy;

import java.util.List;

/**
 * Builds the RFC 6902 JSON Patch that repairs the violations of one review. The patch is computed
 * against {@code request.object} exactly as the apiserver sent it and touches only guarded keys.
 */
public final class DeadlinePatch {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DeadlinePatch() {
    }

    /** An RFC 6901 pointer to an annotation: {@code ~} becomes {@code ~0} and {@code /} becomes {@code ~1}. */
    public static String annotationPointer(String key) {
        return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    }

    public static ArrayNode build(JsonNode rawObject, List<KeyFinding> violations) {
        ArrayNode ops = NODES.arrayNode();
        JsonNode metadata = rawObject == null ? null : rawObject.get("metadata");
        boolean hasMetadata = metadata != null && metadata.isObject();
        JsonNode annotations = hasMetadata ? metadata.get("annotations") : null;
        boolean hasAnnotations = annotations != null && annotations.isObject();

        ObjectNode created = null;
        for (KeyFinding finding : violations) {
            if (finding.remedy() == Remedy.RESTORE) {
                String value = finding.oldValue().raw();
                if (hasAnnotations) {
                    ops.add(op(annotations.has(finding.key()) ? "replace" : "add", annotationPointer(finding.key()))
                            .put("value", value));
                } else {
                    if (created == null) {
                        created = NODES.objectNode();
                    }
                    created.put(finding.key(), value);
                }
            } else if (finding.remedy() == Remedy.REMOVE && hasAnnotations && annotations.has(finding.key())) {
                ops.add(op("remove", annotationPointer(finding.key())));
            }
        }
        if (created != null) {
            if (hasMetadata) {
                ops.add(op("add", "/metadata/annotations").set("value", created));
            } else {
                ObjectNode newMetadata = NODES.objectNode();
                newMetadata.set("annotations", created);
                ops.add(op("add", "/metadata").set("value", newMetadata));
            }
        }
        return ops;
    }

    private static ObjectNode op(String name, String path) {
        ObjectNode op = NODES.objectNode();
        op.put("op", name);
        op.put("path", path);
        return op;
    }
}
