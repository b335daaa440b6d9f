package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.policy.ReplicaSetView;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of an AdmissionReview ({@code admission.k8s.io/v1} or {@code v1beta1}) into a
 * {@link DecodedReview}. Only the fields the rules need are read; the pod template is never bound.
 * Every problem is a {@link BadReviewException} whose message names the offending field.
 */
public final class ReviewDecoder {

    public static final String V1 = "admission.k8s.io/v1";
    public static final String V1BETA1 = "admission.k8s.io/v1beta1";
    private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);

    private ReviewDecoder() {
    }

    public static DecodedReview decode(byte[] body) throws BadReviewException {
        if (body.length == 0) {
            throw new BadReviewException("request body is empty; expected an AdmissionReview");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new BadReviewException("request body is not acceptable JSON: " + firstLine(e.getOriginalMessage()));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new BadReviewException("request body has more data after the AdmissionReview object" + location(e));
        } catch (JsonProcessingException e) {
            throw new BadReviewException("request body is not valid JSON" + location(e) + ": " + summary(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadReviewException("request body could not be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
        }
        String apiVersion = text(root, "apiVersion", "apiVersion");
        if (apiVersion == null || !VERSIONS.contains(apiVersion)) {
            throw new BadReviewException("apiVersion must be " + V1 + " or " + V1BETA1 + ", got "
                    + (apiVersion == null ? "none" : "'" + Messages.clip(apiVersion, 64) + "'"));
        }
        String kind = text(root, "kind", "kind");
        if (!"AdmissionReview".equals(kind)) {
            throw new BadReviewException("kind must be AdmissionReview, got "
                    + (kind == null ? "none" : "'" + Messages.clip(kind, 64) + "'"));
        }
        JsonNode request = root.get("request");
        if (request == null || request.isNull()) {
            throw new BadReviewException("request is missing: an AdmissionReview sent to a webhook must carry request");
        }
        if (!request.isObject()) {
            throw new BadReviewException("request must be a JSON object");
        }
        String uid = text(request, "uid", "request.uid");
        if (uid == null || uid.isEmpty()) {
            throw new BadReviewException("request.uid is missing or empty");
        }
        JsonNode resource = object(request, "resource", "request.resource");
        String group = resource == null ? null : text(resource, "group", "request.resource.group");
        String version = resource == null ? null : text(resource, "version", "request.resource.version");
        String resourceName = resource == null ? null : text(resource, "resource", "request.resource.resource");
        String subResource = text(request, "subResource", "request.subResource");
        String operation = text(request, "operation", "request.operation");
        String namespace = text(request, "namespace", "request.namespace");
        String name = text(request, "name", "request.name");
        JsonNode userInfo = object(request, "userInfo", "request.userInfo");
        String username = userInfo == null ? null : text(userInfo, "username", "request.userInfo.username");
        JsonNode dryRunNode = request.get("dryRun");
        if (dryRunNode != null && !dryRunNode.isNull() && !dryRunNode.isBoolean()) {
            throw new BadReviewException("request.dryRun must be a boolean");
        }
        boolean dryRun = dryRunNode != null && dryRunNode.asBoolean(false);

        JsonNode rawObject = request.get("object");
        AdmissionInput probe = new AdmissionInput(group, version, resourceName, subResource, operation,
                namespace, name, username, dryRun, null, null);
        boolean replicaSetUpdate = "apps".equals(group) && "v1".equals(version) && "replicasets".equals(resourceName)
                && (subResource == null || subResource.isEmpty()) && "UPDATE".equals(operation);
        if (!replicaSetUpdate) {
            return new DecodedReview(apiVersion, uid, rawObject, probe);
        }
        ReplicaSetView oldObject = replicaSet(request.get("oldObject"), "request.oldObject");
        ReplicaSetView object = replicaSet(rawObject, "request.object");
        AdmissionInput input = new AdmissionInput(group, version, resourceName, subResource, operation,
                namespace, name, username, dryRun, oldObject, object);
        return new DecodedReview(apiVersion, uid, rawObject, input);
    }

    private static ReplicaSetView replicaSet(JsonNode node, String path) throws BadReviewException {
        if (node == null || node.isNull()) {
            throw new BadReviewException(path + " is required for an UPDATE of replicasets");
        }
        if (!node.isObject()) {
            throw new BadReviewException(path + " must be a JSON object");
        }
        JsonNode metadata = object(node, "metadata", path + ".metadata");
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        boolean controlledByRollout = false;
        String namespace = null;
        String name = null;
        String uid = null;
        if (metadata != null) {
            namespace = text(metadata, "namespace", path + ".metadata.namespace");
            name = text(metadata, "name", path + ".metadata.name");
            uid = text(metadata, "uid", path + ".metadata.uid");
            labels = stringMap(metadata, "labels", path + ".metadata.labels");
            annotations = stringMap(metadata, "annotations", path + ".metadata.annotations");
            controlledByRollout = controlledByRollout(metadata.get("ownerReferences"), path + ".metadata.ownerReferences");
        }
        Integer replicas = null;
        JsonNode spec = object(node, "spec", path + ".spec");
        if (spec != null) {
            JsonNode r = spec.get("replicas");
            if (r != null && !r.isNull()) {
                if (!r.isIntegralNumber() || !r.canConvertToInt() || r.intValue() < 0) {
                    throw new BadReviewException(path + ".spec.replicas must be a non-negative integer");
                }
                replicas = r.intValue();
            }
        }
        return new ReplicaSetView(namespace, name, uid, labels, annotations, controlledByRollout, replicas);
    }

    private static boolean controlledByRollout(JsonNode refs, String path) throws BadReviewException {
        if (refs == null || refs.isNull()) {
            return false;
        }
        if (!refs.isArray()) {
            throw new BadReviewException(path + " must be a JSON array");
        }
        for (JsonNode ref : refs) {
            if (ref.isObject() && "Rollout".equals(ref.path("kind").asText(null))
                    && ref.path("controller").isBoolean() && ref.path("controller").booleanValue()) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> stringMap(JsonNode parent, String field, String path) throws BadReviewException {
        JsonNode node = object(parent, field, path);
        if (node == null || node.isEmpty()) {
            return Map.of();
        }
        Map<String, String> result = new HashMap<>(node.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw new BadReviewException(path + "[" + Messages.clip(e.getKey(), 64) + "] must be a string");
            }
            result.put(e.getKey(), e.getValue().textValue());
        }
        return result;
    }

    private static JsonNode object(JsonNode parent, String field, String path) throws BadReviewException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new BadReviewException(path + " must be a JSON object");
        }
        return node;
    }

    private static String text(JsonNode parent, String field, String path) throws BadReviewException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadReviewException(path + " must be a string");
        }
        return node.textValue();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The first clause of a parser message, without Jackson's source excerpts. */
    private static String summary(String message) {
        if (message == null) {
            return "unknown error";
        }
        int colon = message.indexOf(": ");
        return firstLine(colon < 0 ? message : message.substring(0, colon));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return Messages.clip(nl < 0 ? message : message.substring(0, nl), 160);
    }
}
