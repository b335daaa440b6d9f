package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The kept-token reader {@link ReviewDecoder} had before it read fields one by one: each object's
 * metadata, {@code spec} and {@code spec.replicas} read into JSON trees first. Kept as the oracle of
 * {@code KeptDecoderDifferentialTest}. What follows is its original description.
 *
 * <p>Turns an AdmissionReview ({@code admission.k8s.io/v1} or {@code v1beta1}) into a
 * {@link DecodedReview}. The bytes go through a {@link ReviewStream}, which keeps only the fields the
 * rules need (of {@code object} and {@code oldObject}, the metadata without {@code managedFields}
 * and {@code spec.replicas}); this class reads those kept tokens.
 * Every problem is a {@link BadReviewException} whose message names the offending field.
 */
final class TreeKeptDecoder {

    static final String V1 = "admission.k8s.io/v1";
    static final String V1BETA1 = "admission.k8s.io/v1beta1";
    private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);

    private TreeKeptDecoder() {
    }

    /**
     * Decodes the tokens a {@link ReviewStream} kept: well-formed JSON, one object, with only the
     * fields the rules read.
     */
    static DecodedReview decodeKept(JsonParser parser) throws IOException, BadReviewException {
        Envelope envelope = readEnvelope(parser);
        String apiVersion = envelope.apiVersion;
        if (apiVersion == null || !VERSIONS.contains(apiVersion)) {
            throw new BadReviewException("apiVersion must be " + V1 + " or " + V1BETA1 + ", got "
                    + (apiVersion == null ? "none" : "'" + Messages.clip(apiVersion, 64) + "'"));
        }
        if (!"AdmissionReview".equals(envelope.kind)) {
            throw new BadReviewException("kind must be AdmissionReview, got "
                    + (envelope.kind == null ? "none" : "'" + Messages.clip(envelope.kind, 64) + "'"));
        }
        Request request = envelope.request;
        if (request == null) {
            throw new BadReviewException("request is missing: an AdmissionReview sent to a webhook must carry request");
        }
        if (request.uid == null || request.uid.isEmpty()) {
            throw new BadReviewException("request.uid is missing or empty");
        }
        AdmissionInput probe = new AdmissionInput(request.group, request.version, request.resource, request.subResource,
                request.operation, request.namespace, request.name, request.username, request.dryRun, null, null);
        ObjectShape rawObject = request.object == null ? ObjectShape.NONE : DeadlinePatchTest.shape(request.object.raw());
        if (!probe.isReplicaSetUpdate()) {
            return new DecodedReview(apiVersion, request.uid, rawObject, probe);
        }
        ArgoReplicaSet oldObject = replicaSet(request.oldObject, "request.oldObject");
        ArgoReplicaSet object = replicaSet(request.object, "request.object");
        AdmissionInput input = new AdmissionInput(request.group, request.version, request.resource, request.subResource,
                request.operation, request.namespace, request.name, request.username, request.dryRun, oldObject, object);
        return new DecodedReview(apiVersion, request.uid, rawObject, input);
    }

    /** The top level of the review, read in one pass; fields may come in any order. */
    private static final class Envelope {
        String apiVersion;
        String kind;
        Request request;
    }

    private static final class Request {
        String uid;
        String group;
        String version;
        String resource;
        String subResource;
        String operation;
        String namespace;
        String name;
        String username;
        boolean dryRun;
        ObjectParts object;
        ObjectParts oldObject;
    }

    /**
     * What is kept of {@code object}/{@code oldObject}: the metadata exactly as received and
     * {@code spec.replicas}. The pod template and the status are skipped, never bound.
     *
     * @param shape {@code null} when the value is a JSON object, else a description of what it was
     */
    private record ObjectParts(String shape, JsonNode metadata, JsonNode spec, JsonNode replicas) {
        /** The kept parts as a tree: what patches are computed against. */
        JsonNode raw() {
            ObjectNode raw = Json.MAPPER.createObjectNode();
            if (metadata != null) {
                raw.set("metadata", metadata);
            }
            return raw;
        }
    }

    private static Envelope readEnvelope(JsonParser p) throws IOException, BadReviewException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
        }
        Envelope envelope = new Envelope();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "apiVersion" -> envelope.apiVersion = text(p, "apiVersion");
                case "kind" -> envelope.kind = text(p, "kind");
                case "request" -> envelope.request = readRequest(p);
                default -> p.skipChildren();
            }
        }
        return envelope;
    }

    private static Request readRequest(JsonParser p) throws IOException, BadReviewException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new BadReviewException("request must be a JSON object");
        }
        Request r = new Request();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "uid" -> r.uid = text(p, "request.uid");
                case "resource" -> readResource(p, r);
                case "subResource" -> r.subResource = text(p, "request.subResource");
                case "operation" -> r.operation = text(p, "request.operation");
                case "namespace" -> r.namespace = text(p, "request.namespace");
                case "name" -> r.name = text(p, "request.name");
                case "userInfo" -> readUserInfo(p, r);
                case "dryRun" -> {
                    JsonToken t = p.currentToken();
                    if (t != JsonToken.VALUE_NULL && t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw new BadReviewException("request.dryRun must be a boolean");
                    }
                    r.dryRun = t == JsonToken.VALUE_TRUE;
                }
                case "object" -> r.object = readObject(p);
                case "oldObject" -> r.oldObject = readObject(p);
                default -> p.skipChildren();
            }
        }
        return r;
    }

    private static void readResource(JsonParser p, Request r) throws IOException, BadReviewException {
        if (!startObject(p, "request.resource")) {
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "group" -> r.group = text(p, "request.resource.group");
                case "version" -> r.version = text(p, "request.resource.version");
                case "resource" -> r.resource = text(p, "request.resource.resource");
                default -> p.skipChildren();
            }
        }
    }

    private static void readUserInfo(JsonParser p, Request r) throws IOException, BadReviewException {
        if (!startObject(p, "request.userInfo")) {
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if ("username".equals(field)) {
                r.username = text(p, "request.userInfo.username");
            } else {
                p.skipChildren();
            }
        }
    }

    private static ObjectParts readObject(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new ObjectParts("not an object", null, null, null);
        }
        JsonNode metadata = null;
        JsonNode spec = null;
        JsonNode replicas = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if ("metadata".equals(field)) {
                metadata = p.readValueAsTree();
            } else if ("spec".equals(field) && p.currentToken() == JsonToken.START_OBJECT) {
                spec = Json.MAPPER.createObjectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String specField = p.currentName();
                    p.nextToken();
                    if ("replicas".equals(specField)) {
                        replicas = p.readValueAsTree();
                    } else {
                        p.skipChildren();  // the pod template: never bound
                    }
                }
            } else if ("spec".equals(field)) {
                spec = p.readValueAsTree();
            } else {
                p.skipChildren();
            }
        }
        return new ObjectParts(null, metadata, spec, replicas);
    }

    private static boolean startObject(JsonParser p, String path) throws BadReviewException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new BadReviewException(path + " must be a JSON object");
        }
        return true;
    }

    private static String text(JsonParser p, String path) throws IOException, BadReviewException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadReviewException(path + " must be a string");
        }
        return p.getText();
    }

    private static ArgoReplicaSet replicaSet(ObjectParts parts, String path) throws BadReviewException {
        if (parts == null) {
            throw new BadReviewException(path + " is required for an UPDATE of replicasets");
        }
        if (parts.shape() != null) {
            throw new BadReviewException(path + " must be a JSON object");
        }
        JsonNode metadata = parts.metadata();
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new BadReviewException(path + ".metadata must be a JSON object");
        }
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        ControllerRef controller = null;
        String namespace = null;
        String name = null;
        String uid = null;
        if (metadata != null && metadata.isObject()) {
            namespace = text(metadata, "namespace", path + ".metadata.namespace");
            name = text(metadata, "name", path + ".metadata.name");
            uid = text(metadata, "uid", path + ".metadata.uid");
            labels = stringMap(metadata, "labels", path + ".metadata.labels");
            annotations = stringMap(metadata, "annotations", path + ".metadata.annotations");
            controller = controller(metadata.get("ownerReferences"), path + ".metadata.ownerReferences");
        }
        JsonNode spec = parts.spec();
        if (spec != null && !spec.isNull() && !spec.isObject()) {
            throw new BadReviewException(path + ".spec must be a JSON object");
        }
        Integer replicas = null;
        JsonNode r = parts.replicas();
        if (r != null && !r.isNull()) {
            if (!r.isIntegralNumber() || !r.canConvertToInt() || r.intValue() < 0) {
                throw new BadReviewException(path + ".spec.replicas must be a non-negative integer");
            }
            replicas = r.intValue();
        }
        return new ArgoReplicaSet(namespace, name, uid, null, labels, annotations, replicas == null ? 1 : replicas,
                controller, false);
    }

    /** The ownerReference with {@code controller: true}, or {@code null}. */
    private static ControllerRef controller(JsonNode refs, String path) throws BadReviewException {
        if (refs == null || refs.isNull()) {
            return null;
        }
        if (!refs.isArray()) {
            throw new BadReviewException(path + " must be a JSON array");
        }
        for (JsonNode ref : refs) {
            if (ref.isObject() && ref.path("controller").isBoolean() && ref.path("controller").booleanValue()) {
                return new ControllerRef(ref.path("apiVersion").textValue(), ref.path("kind").textValue(),
                        ref.path("name").textValue(), ref.path("uid").textValue());
            }
        }
        return null;
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
}
