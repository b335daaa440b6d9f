package dev.deadlineguard.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.policy.GuardConfig;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Structure-aware mutations of a real AdmissionReview: every choice is read from the fuzzer's data, so
 * that a short input means "the sample as it is" and libFuzzer can steer towards the fields the decision
 * reads (annotations, replicas, owner references, labels, the request's scope) rather than only the JSON
 * syntax. Never throws on any data.
 */
final class ReviewMutator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final int MAX_MUTATIONS = 8;
    static final int MAX_HUGE = 200_000;
    static final int MAX_DEPTH = 260;

    /** Values chosen to hit the edges of RFC 3339 parsing, blankness and message escaping. */
    static final String[] VALUES = {
            "2024-08-01T15:13:36Z", "2024-08-01T15:14:06Z", "2024-08-01T15:13:36.123456789+05:30",
            "2024-08-01T15:13:36.1-23:59", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "+10000-01-01T00:00:00Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-12-31T23:59:60Z",
            "2024-08-01T24:00:00Z", "2024-08-01T15:13:36+24:00", "2024-08-01T15:13:36+23:60",
            "2024-08-01T15:13:36.1234567890Z", "2024-08-01T15:13:36,5Z", "2000-02-29T0:00:00Z",
            "2024-08-01T15:13:.5Z", "2024-08-01T15:13:36+-1:00", "2024-08-01t15:13:36z", "2024-08-01T15:13:36", "2024-08-01 15:13:36",
            "2024-08-01", "tomorrow", "", " ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\u200b", "\u0000", "\u0085",
            "\u001b[31mred", "\ud800", "\udc00x", "x\ud83d", "\ud83d\ude00", "\u202e2024-08-01T15:13:36Z",
            "\uff12\uff10\uff12\uff14-08-01T15:13:36Z", "\u0662\u0660\u0662\u0664-08-01T15:13:36Z",
            " 2024-08-01T15:13:36Z", "2024-08-01T15:13:36Z ", "2024-08-01T15:13:36Z\n", "null", "0", "-1",
            "\\", "\"", "~1/~0", "%s%n", "${jndi:ldap://x}",
    };

    static final String[] KEYS = {
            GuardConfig.CONTROLLER_KEY, GuardConfig.DOCUMENTED_KEY, "Scale-Down-Deadline", "scale-down-deadline ",
            "argo-rollouts.argoproj.io~scale-down-deadline", "rollout.argoproj.io/revision", "",
            ReviewFuzzTest.ODD_KEY, ReviewFuzzTest.LONG_KEY,
    };

    static final String[] OPERATIONS = {"UPDATE", "CREATE", "DELETE", "CONNECT", "update", "UPDATE ", ""};
    static final String[] GROUPS = {"apps", "", "extensions", "argoproj.io", "APPS"};
    static final String[] VERSIONS = {"v1", "v1beta2", "v2", "V1", ""};
    static final String[] RESOURCES = {"replicasets", "deployments", "pods", "replicasets/scale", "ReplicaSets", ""};
    static final String[] SUBRESOURCES = {"", "scale", "status", " ", "replicasets"};
    static final String[] API_VERSIONS = {ReviewOracle.V1, ReviewOracle.V1BETA1, "admission.k8s.io/v2",
            "admission.k8s.io/V1", "admission.k8s.io/v1 ", "v1", ""};
    static final String[] USERS = {GuardConfig.DEFAULT_CONTROLLER, "kubernetes-admin",
            "system:serviceaccount:argo-rollouts:argo-rollouts ", "system:serviceaccount:kube-system:replicaset-controller"};
    static final String[] OWNER_KINDS = {"Rollout", "rollout", "Deployment", "ReplicaSet", ""};

    private ReviewMutator() {
    }

    static void mutate(FuzzedDataProvider data, ObjectNode review) {
        int count = data.consumeInt(0, MAX_MUTATIONS);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            mutateOnce(data, review);
        }
    }

    private static void mutateOnce(FuzzedDataProvider data, ObjectNode review) {
        ObjectNode request = objectAt(review, "request");
        switch (data.consumeInt(0, 17)) {
            case 0 -> forTargets(data, request, o -> {
                ObjectNode annotations = ensureObject(ensureObject(o, "metadata"), "annotations");
                annotations.put(key(data), value(data));
            });
            case 1 -> forTargets(data, request, o -> {
                ObjectNode annotations = objectAt(objectAt(o, "metadata"), "annotations");
                if (annotations != null) {
                    annotations.remove(key(data));
                }
            });
            case 2 -> forTargets(data, request, o ->
                    ensureObject(ensureObject(o, "metadata"), "annotations").set(key(data), anyNonString(data)));
            case 3 -> forTargets(data, request, o -> replaceOrRemove(data, objectAt(o, "metadata"), "annotations"));
            case 4 -> forTargets(data, request, o -> replaceOrRemove(data, o, "metadata"));
            case 5 -> forTargets(data, request, o -> mutateLabels(data, ensureObject(o, "metadata")));
            case 6 -> forTargets(data, request, o -> mutateOwners(data, ensureObject(o, "metadata")));
            case 7 -> forTargets(data, request, o -> ensureObject(o, "spec").set("replicas", replicas(data)));
            case 8 -> forTargets(data, request, o -> replaceOrRemove(data, o, "spec"));
            case 9 -> {
                if (request != null) {
                    String field = data.pickValue(new String[] {"uid", "operation", "subResource", "namespace", "name"});
                    setScalar(data, request, field, switch (field) {
                        case "operation" -> OPERATIONS;
                        case "subResource" -> SUBRESOURCES;
                        default -> new String[] {"checkout-6d8f7b9c4d", "shop", "kube-system", "u"};
                    });
                }
            }
            case 10 -> {
                if (request != null) {
                    if (data.consumeInt(0, 7) == 0) {
                        replaceOrRemove(data, request, "resource");
                    } else {
                        ObjectNode resource = ensureObject(request, "resource");
                        switch (data.consumeInt(0, 2)) {
                            case 0 -> setScalar(data, resource, "group", GROUPS);
                            case 1 -> setScalar(data, resource, "version", VERSIONS);
                            default -> setScalar(data, resource, "resource", RESOURCES);
                        }
                    }
                }
            }
            case 11 -> {
                if (data.consumeBoolean()) {
                    setScalar(data, review, "apiVersion", API_VERSIONS);
                } else {
                    setScalar(data, review, "kind", new String[] {"AdmissionReview", "admissionreview", "Scale"});
                }
            }
            case 12 -> {
                if (request != null) {
                    String field = data.consumeBoolean() ? "object" : "oldObject";
                    String other = field.equals("object") ? "oldObject" : "object";
                    switch (data.consumeInt(0, 2)) {
                        case 0 -> replaceOrRemove(data, request, field);
                        case 1 -> {
                            JsonNode copy = request.get(other);
                            request.set(field, copy == null ? null : copy.deepCopy());
                        }
                        default -> {
                            JsonNode a = request.get(field);
                            request.set(field, request.get(other));
                            request.set(other, a);
                        }
                    }
                }
            }
            case 13 -> {
                if (request != null) {
                    if (data.consumeBoolean()) {
                        request.put("dryRun", data.consumeBoolean());
                    } else {
                        request.set("dryRun", anyNonBoolean(data));
                    }
                }
            }
            case 14 -> {
                if (request != null) {
                    if (data.consumeBoolean()) {
                        ensureObject(request, "userInfo").put("username", data.consumeBoolean() ? data.pickValue(USERS) : string(data));
                    } else {
                        replaceOrRemove(data, request, "userInfo");
                    }
                }
            }
            case 15 -> insertDeep(data, review);
            case 16 -> forTargets(data, request, o -> {
                ObjectNode metadata = ensureObject(o, "metadata");
                String field = data.pickValue(new String[] {"name", "namespace", "uid"});
                if (data.consumeBoolean()) {
                    metadata.put(field, string(data));
                } else {
                    metadata.set(field, anyNonString(data));
                }
            });
            default -> randomPath(data, review);
        }
    }

    interface ObjectEdit {
        void apply(ObjectNode object);
    }

    /** Applies an edit to request.object, request.oldObject or both (when they are objects). */
    private static void forTargets(FuzzedDataProvider data, ObjectNode request, ObjectEdit edit) {
        if (request == null) {
            return;
        }
        int which = data.consumeInt(0, 2);
        if (which != 1 && request.get("object") instanceof ObjectNode o) {
            edit.apply(o);
        }
        if (which != 0 && request.get("oldObject") instanceof ObjectNode o) {
            edit.apply(o);
        }
    }

    private static void mutateLabels(FuzzedDataProvider data, ObjectNode metadata) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> ensureObject(metadata, "labels").put("rollouts-pod-template-hash", data.consumeBoolean() ? "6d8f7b9c4d" : string(data));
            case 1 -> {
                ObjectNode labels = objectAt(metadata, "labels");
                if (labels != null) {
                    labels.remove("rollouts-pod-template-hash");
                }
            }
            case 2 -> ensureObject(metadata, "labels").set(data.consumeBoolean() ? "rollouts-pod-template-hash" : string(data), anyNonString(data));
            default -> replaceOrRemove(data, metadata, "labels");
        }
    }

    private static void mutateOwners(FuzzedDataProvider data, ObjectNode metadata) {
        switch (data.consumeInt(0, 4)) {
            case 0 -> replaceOrRemove(data, metadata, "ownerReferences");
            case 1 -> metadata.putArray("ownerReferences");
            case 2 -> {
                JsonNode refs = metadata.get("ownerReferences");
                ArrayNode array = refs instanceof ArrayNode a ? a : metadata.putArray("ownerReferences");
                array.add(data.consumeBoolean() ? owner(data) : any(data, 2));
            }
            default -> {
                if (metadata.get("ownerReferences") instanceof ArrayNode refs && !refs.isEmpty()
                        && refs.get(data.consumeInt(0, refs.size() - 1)) instanceof ObjectNode ref) {
                    if (data.consumeBoolean()) {
                        ref.set("controller", data.consumeBoolean() ? NODES.booleanNode(data.consumeBoolean()) : any(data, 1));
                    } else {
                        ref.set("kind", data.consumeBoolean() ? NODES.textNode(data.pickValue(OWNER_KINDS)) : any(data, 1));
                    }
                }
            }
        }
    }

    private static ObjectNode owner(FuzzedDataProvider data) {
        ObjectNode ref = NODES.objectNode();
        ref.put("apiVersion", "argoproj.io/v1alpha1");
        ref.put("kind", data.pickValue(OWNER_KINDS));
        ref.put("name", "checkout");
        ref.put("uid", "076cdc7e-70b8-4e08-b9e3-82ceae27fce2");
        if (data.consumeBoolean()) {
            ref.put("controller", data.consumeBoolean());
        }
        return ref;
    }

    private static JsonNode replicas(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 15)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> NODES.numberNode(1);
            case 2 -> NODES.numberNode(3);
            case 3 -> NODES.numberNode(-1);
            case 4 -> NODES.numberNode(Integer.MAX_VALUE);
            case 5 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 6 -> NODES.numberNode(Long.MIN_VALUE);
            case 7 -> NODES.numberNode(BigInteger.TWO.pow(100));
            case 8 -> NODES.numberNode(new BigDecimal("1.0"));
            case 9 -> NODES.numberNode(new BigDecimal("1.5"));
            case 10 -> NODES.numberNode(new BigDecimal("1E+2"));
            case 11 -> NODES.numberNode(new BigDecimal("-0.0"));
            case 12 -> NODES.textNode("3");
            case 13 -> NODES.nullNode();
            case 14 -> NODES.numberNode(data.consumeLong());
            default -> any(data, 2);
        };
    }

    private static String key(FuzzedDataProvider data) {
        return data.consumeInt(0, 3) == 0 ? string(data) : data.pickValue(KEYS);
    }

    /** An annotation value: a known edge case, a fuzzed string, a fuzzed timestamp or a huge string. */
    static String value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0, 1 -> data.pickValue(VALUES);
            case 2 -> timestamp(data);
            case 3 -> string(data);
            default -> huge(data);
        };
    }

    /**
     * RFC 3339 in shape, with fuzzed fields, to reach the date and offset range checks and Go's leniencies (comma
     * fractions, more than nine digits, one-digit hours).
     */
    private static String timestamp(FuzzedDataProvider data) {
        String fraction = data.consumeBoolean() ? ""
                : (data.consumeBoolean() ? "." : ",") + "123456789012".substring(0, data.consumeInt(1, 12));
        String zone = switch (data.consumeInt(0, 2)) {
            case 0 -> "Z";
            case 1 -> String.format("+%02d:%02d", data.consumeInt(0, 99), data.consumeInt(0, 99));
            default -> String.format("-%02d:%02d", data.consumeInt(0, 99), data.consumeInt(0, 99));
        };
        return String.format("%04d-%02d-%02dT%0" + data.consumeInt(1, 2) + "d:%02d:%02d%s%s", data.consumeInt(0, 9999),
                data.consumeInt(0, 99), data.consumeInt(0, 99), data.consumeInt(0, 99), data.consumeInt(0, 99), data.consumeInt(0, 99),
                fraction, zone);
    }

    private static String string(FuzzedDataProvider data) {
        return data.consumeString(data.consumeInt(0, 400));
    }

    private static String huge(FuzzedDataProvider data) {
        String unit = data.consumeString(8);
        if (unit.isEmpty()) {
            unit = data.pickValue(VALUES);
        }
        if (unit.isEmpty()) {
            unit = "x";
        }
        int length = data.consumeInt(256, MAX_HUGE);
        StringBuilder out = new StringBuilder(length + unit.length());
        while (out.length() < length) {
            out.append(unit);
        }
        return out.toString();
    }

    private static void setScalar(FuzzedDataProvider data, ObjectNode parent, String field, String[] choices) {
        switch (data.consumeInt(0, 4)) {
            case 0, 1 -> parent.put(field, data.pickValue(choices));
            case 2 -> parent.put(field, data.consumeBoolean() ? string(data) : huge(data));
            case 3 -> parent.remove(field);
            default -> parent.set(field, anyNonString(data));
        }
    }

    private static void replaceOrRemove(FuzzedDataProvider data, ObjectNode parent, String field) {
        if (parent == null) {
            return;
        }
        switch (data.consumeInt(0, 3)) {
            case 0 -> parent.remove(field);
            case 1 -> parent.putNull(field);
            case 2 -> parent.putObject(field);
            default -> parent.set(field, any(data, 2));
        }
    }

    /** Wraps a fuzzed value in up to {@link #MAX_DEPTH} arrays or objects somewhere in the review. */
    private static void insertDeep(FuzzedDataProvider data, ObjectNode review) {
        int depth = data.consumeInt(1, MAX_DEPTH);
        boolean arrays = data.consumeBoolean();
        JsonNode node = any(data, 0);
        for (int i = 0; i < depth; i++) {
            if (arrays) {
                node = NODES.arrayNode().add(node);
            } else {
                ObjectNode o = NODES.objectNode();
                o.set("a", node);
                node = o;
            }
        }
        List<ObjectNode> places = new ArrayList<>();
        places.add(review);
        ObjectNode request = objectAt(review, "request");
        if (request != null) {
            places.add(request);
            for (String f : new String[] {"object", "oldObject"}) {
                ObjectNode o = objectAt(request, f);
                if (o != null) {
                    places.add(o);
                    ObjectNode metadata = objectAt(o, "metadata");
                    if (metadata != null) {
                        places.add(metadata);
                        ObjectNode annotations = objectAt(metadata, "annotations");
                        if (annotations != null) {
                            places.add(annotations);
                        }
                    }
                    ObjectNode spec = objectAt(o, "spec");
                    if (spec != null) {
                        places.add(spec);
                    }
                }
            }
        }
        ObjectNode place = places.get(data.consumeInt(0, places.size() - 1));
        place.set(data.consumeBoolean() ? "deep" : key(data), node);
    }

    /** Walks down to a random node and deletes, retypes or replaces it. */
    private static void randomPath(FuzzedDataProvider data, ObjectNode review) {
        JsonNode parent = review;
        String field = null;
        int index = -1;
        int steps = data.consumeInt(1, 12);
        for (int i = 0; i < steps; i++) {
            JsonNode current = field != null ? parent.get(field) : index >= 0 ? parent.get(index) : parent;
            if (current == null || !current.isContainerNode() || current.isEmpty()) {
                break;
            }
            parent = current;
            int pick = data.consumeInt(0, current.size() - 1);
            if (current.isObject()) {
                Iterator<String> names = current.fieldNames();
                String name = names.next();
                for (int k = 0; k < pick; k++) {
                    name = names.next();
                }
                field = name;
                index = -1;
            } else {
                field = null;
                index = pick;
            }
        }
        if (field == null && index < 0) {
            return;
        }
        JsonNode replacement = switch (data.consumeInt(0, 3)) {
            case 0 -> null;
            case 1 -> NODES.textNode(value(data));
            default -> any(data, 3);
        };
        if (parent instanceof ObjectNode o) {
            if (replacement == null) {
                o.remove(field);
            } else {
                o.set(field, replacement);
            }
        } else if (parent instanceof ArrayNode a) {
            if (replacement == null) {
                a.remove(index);
            } else {
                a.set(index, replacement);
            }
        }
    }

    /** Any JSON value, nesting at most {@code depth} levels. */
    static JsonNode any(FuzzedDataProvider data, int depth) {
        int kind = data.consumeInt(0, depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(data.consumeBoolean());
            case 2 -> NODES.numberNode(data.consumeLong());
            case 3 -> NODES.numberNode(new BigDecimal(data.consumeRegularDouble(-1e9, 1e9)).stripTrailingZeros());
            case 4, 5 -> NODES.textNode(data.consumeBoolean() ? value(data) : string(data));
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int n = data.consumeInt(0, 3); n > 0; n--) {
                    a.add(any(data, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int n = data.consumeInt(0, 3); n > 0; n--) {
                    o.set(data.consumeBoolean() ? key(data) : string(data), any(data, depth - 1));
                }
                yield o;
            }
        };
    }

    private static JsonNode anyNonString(FuzzedDataProvider data) {
        JsonNode node = any(data, 1);
        return node.isTextual() ? NODES.numberNode(data.consumeInt()) : node;
    }

    private static JsonNode anyNonBoolean(FuzzedDataProvider data) {
        JsonNode node = any(data, 1);
        return node.isBoolean() ? NODES.textNode(String.valueOf(node.booleanValue())) : node;
    }

    static ObjectNode objectAt(JsonNode parent, String field) {
        return parent != null && parent.get(field) instanceof ObjectNode o ? o : null;
    }

    private static ObjectNode ensureObject(ObjectNode parent, String field) {
        if (parent.get(field) instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    /**
     * Serializes the review, usually as compact JSON; sometimes with a byte-level change the tree
     * cannot express: a duplicated key, a truncation, trailing data, a BOM, or flipped bytes.
     */
    static byte[] encode(FuzzedDataProvider data, ObjectNode review) {
        byte[] json;
        try {
            json = data.consumeInt(0, 7) == 7
                    ? ReviewOracle.STRICT.writerWithDefaultPrettyPrinter().writeValueAsBytes(review)
                    : ReviewOracle.STRICT.writeValueAsBytes(review);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("harness could not encode the review", e);
        }
        return switch (data.consumeInt(0, 15)) {
            case 11 -> duplicateKey(data, json);
            case 12 -> java.util.Arrays.copyOf(json, data.consumeInt(0, json.length));
            case 13 -> concat(json, data.consumeBytes(16));
            case 14 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json);
            case 15 -> {
                for (int n = data.consumeInt(1, 4); n > 0 && json.length > 0; n--) {
                    json[data.consumeInt(0, json.length - 1)] = data.consumeByte();
                }
                yield json;
            }
            default -> json;
        };
    }

    /** Writes {@code "name":<value>,} right before the first occurrence of {@code "name":}. */
    private static byte[] duplicateKey(FuzzedDataProvider data, byte[] json) {
        String name = data.pickValue(new String[] {"uid", "apiVersion", "annotations", "scale-down-deadline",
                "replicas", "object", "oldObject", "operation", "subResource", "labels", "ownerReferences"});
        String text = new String(json, StandardCharsets.UTF_8);
        String marker = "\"" + name + "\":";
        int at = text.indexOf(marker);
        if (at < 0) {
            return json;
        }
        String value;
        try {
            value = ReviewOracle.STRICT.writeValueAsString(any(data, 1));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return (text.substring(0, at) + marker + value + "," + text.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
