package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns an AdmissionReview ({@code admission.k8s.io/v1} or {@code v1beta1}) into a
 * {@link DecodedReview}. The bytes go through a {@link ReviewStream}, which keeps only the fields the
 * rules need (of {@code object} and {@code oldObject}, the metadata without {@code managedFields}
 * and {@code spec.replicas}); this class reads those kept tokens one by one, into the fields the
 * rules read, without building trees.
 * Every problem is a {@link BadReviewException} whose message names the offending field.
 */
public final class ReviewDecoder {

    public static final String V1 = "admission.k8s.io/v1";
    public static final String V1BETA1 = "admission.k8s.io/v1beta1";
    private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);

    private ReviewDecoder() {
    }

    public static DecodedReview decode(byte[] body) throws BadReviewException {
        ReviewStream stream = new ReviewStream();
        stream.feed(body, 0, body.length);
        return stream.finish();
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
        ObjectShape shape = request.object == null ? ObjectShape.NONE : request.object.shape();
        if (!probe.isReplicaSetUpdate()) {
            return new DecodedReview(apiVersion, request.uid, shape, probe);
        }
        ArgoReplicaSet oldObject = replicaSet(request.oldObject, "request.oldObject");
        ArgoReplicaSet object = replicaSet(request.object, "request.object");
        AdmissionInput input = new AdmissionInput(request.group, request.version, request.resource, request.subResource,
                request.operation, request.namespace, request.name, request.username, request.dryRun, oldObject, object);
        return new DecodedReview(apiVersion, request.uid, shape, input);
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
     * What is kept of {@code object}/{@code oldObject}, read token by token without building trees:
     * the metadata fields the rules read and {@code spec.replicas}. A field given twice counts as
     * given once, with its last value (as in a JSON tree); a value of the wrong type is remembered and
     * reported by {@link #replicaSet} only when the review is a ReplicaSet update.
     */
    private static final class ObjectParts {
        /** The value is not a JSON object (and nothing else here is set). */
        boolean notObject;
        /** The last {@code metadata}, or {@code null} when absent, null or not an object. */
        Metadata metadata;
        boolean metadataNotObject;
        boolean specNotObject;
        /** The last {@code spec.replicas} of a {@code spec} object; null when absent or null. */
        Integer replicas;
        boolean replicasInvalid;

        ObjectShape shape() {
            if (metadata == null) {
                return ObjectShape.NONE;
            }
            return new ObjectShape(true, metadata.annotations == null ? null
                    : java.util.Collections.unmodifiableSet(metadata.annotations.keySet()));
        }
    }

    /** The metadata fields the rules read; a {@code null} map value stands for a value that is not a string. */
    private static final class Metadata {
        String namespace;
        String name;
        String uid;
        /** The fields whose last value is of the wrong type, a bit each (NAMESPACE, NAME, ...). */
        int wrong;
        Map<String, String> labels;
        Map<String, String> annotations;
        ControllerRef controller;
    }

    private static final int NAMESPACE = 1;
    private static final int NAME = 2;
    private static final int UID = 4;
    private static final int LABELS = 8;
    private static final int ANNOTATIONS = 16;
    private static final int OWNER_REFERENCES = 32;

    private static ObjectParts readObject(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        ObjectParts parts = new ObjectParts();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            parts.notObject = true;
            return parts;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if ("metadata".equals(field)) {
                parts.metadata = t == JsonToken.START_OBJECT ? readMetadata(p) : null;
                parts.metadataNotObject = t != JsonToken.START_OBJECT && t != JsonToken.VALUE_NULL;
                if (parts.metadataNotObject) {
                    p.skipChildren();
                }
            } else if ("spec".equals(field) && t == JsonToken.START_OBJECT) {
                parts.specNotObject = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String specField = p.currentName();
                    p.nextToken();
                    if ("replicas".equals(specField)) {
                        readReplicas(p, parts);
                    } else {
                        p.skipChildren();  // the pod template: never bound
                    }
                }
            } else if ("spec".equals(field)) {
                parts.specNotObject = t != JsonToken.VALUE_NULL;
                p.skipChildren();
            } else {
                p.skipChildren();
            }
        }
        return parts;
    }

    private static void readReplicas(JsonParser p, ObjectParts parts) throws IOException {
        JsonToken t = p.currentToken();
        parts.replicas = null;
        parts.replicasInvalid = false;
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 0) {
            parts.replicas = p.getIntValue();
            return;
        }
        parts.replicasInvalid = true;
        p.skipChildren();
    }

    private static Metadata readMetadata(JsonParser p) throws IOException {
        Metadata m = new Metadata();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "namespace" -> m.namespace = text(p, m, NAMESPACE);
                case "name" -> m.name = text(p, m, NAME);
                case "uid" -> m.uid = text(p, m, UID);
                case "labels" -> m.labels = stringMap(p, m, LABELS);
                case "annotations" -> m.annotations = stringMap(p, m, ANNOTATIONS);
                case "ownerReferences" -> m.controller = controller(p, m);
                default -> p.skipChildren();
            }
        }
        return m;
    }

    /**
     * Whether the current value is of the expected type ({@code expected} is its first token). When
     * it is not, the value is skipped and, unless it is null, its field is marked wrong; either way
     * a mark from an earlier occurrence of the field is cleared first.
     */
    private static boolean is(JsonParser p, JsonToken expected, Metadata m, int bit) throws IOException {
        m.wrong &= ~bit;
        JsonToken t = p.currentToken();
        if (t == expected) {
            return true;
        }
        if (t != JsonToken.VALUE_NULL) {
            m.wrong |= bit;
            p.skipChildren();
        }
        return false;
    }

    /** A string field: its value, or {@code null} when null or (marked wrong) not a string. */
    private static String text(JsonParser p, Metadata m, int bit) throws IOException {
        return is(p, JsonToken.VALUE_STRING, m, bit) ? p.getText() : null;
    }

    /**
     * A map of strings in the order its keys first appear; a value that is not a string is kept as
     * {@code null}. {@code null} when the field is null or (marked wrong) not an object.
     */
    private static Map<String, String> stringMap(JsonParser p, Metadata m, int bit) throws IOException {
        if (!is(p, JsonToken.START_OBJECT, m, bit)) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                map.put(key, p.getText());
            } else {
                map.put(key, null);
                p.skipChildren();
            }
        }
        return map;
    }

    /** The first ownerReference with {@code controller: true}, or {@code null}. */
    private static ControllerRef controller(JsonParser p, Metadata m) throws IOException {
        if (!is(p, JsonToken.START_ARRAY, m, OWNER_REFERENCES)) {
            return null;
        }
        ControllerRef found = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean controller = false;
            String apiVersion = null;
            String kind = null;
            String name = null;
            String uid = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                String value = t == JsonToken.VALUE_STRING ? p.getText() : null;
                switch (field) {
                    case "controller" -> controller = t == JsonToken.VALUE_TRUE;
                    case "apiVersion" -> apiVersion = value;
                    case "kind" -> kind = value;
                    case "name" -> name = value;
                    case "uid" -> uid = value;
                    default -> { }
                }
                p.skipChildren();
            }
            if (controller && found == null) {
                found = new ControllerRef(apiVersion, kind, name, uid);
            }
        }
        return found;
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
        if (parts.notObject) {
            throw new BadReviewException(path + " must be a JSON object");
        }
        if (parts.metadataNotObject) {
            throw new BadReviewException(path + ".metadata must be a JSON object");
        }
        Metadata m = parts.metadata;
        if (m != null) {
            mustBe(m, NAMESPACE, path + ".metadata.namespace must be a string");
            mustBe(m, NAME, path + ".metadata.name must be a string");
            mustBe(m, UID, path + ".metadata.uid must be a string");
            strings(m, LABELS, m.labels, path + ".metadata.labels");
            strings(m, ANNOTATIONS, m.annotations, path + ".metadata.annotations");
            mustBe(m, OWNER_REFERENCES, path + ".metadata.ownerReferences must be a JSON array");
        }
        if (parts.specNotObject) {
            throw new BadReviewException(path + ".spec must be a JSON object");
        }
        if (parts.replicasInvalid) {
            throw new BadReviewException(path + ".spec.replicas must be a non-negative integer");
        }
        return m == null
                ? new ArgoReplicaSet(null, null, null, null, Map.of(), Map.of(),
                        parts.replicas == null ? 1 : parts.replicas, null, false)
                : new ArgoReplicaSet(m.namespace, m.name, m.uid, null, m.labels, m.annotations,
                        parts.replicas == null ? 1 : parts.replicas, m.controller, false);
    }

    private static void mustBe(Metadata m, int bit, String message) throws BadReviewException {
        if ((m.wrong & bit) != 0) {
            throw new BadReviewException(message);
        }
    }

    /** A map of labels or annotations must be an object of strings; the first other value is named. */
    private static void strings(Metadata m, int bit, Map<String, String> map, String path) throws BadReviewException {
        mustBe(m, bit, path + " must be a JSON object");
        if (map != null) {
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (e.getValue() == null) {
                    throw new BadReviewException(path + "[" + Messages.clip(e.getKey(), 64) + "] must be a string");
                }
            }
        }
    }
}
