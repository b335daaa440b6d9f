package dev.deadlineguard.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.BadReviewException;
import dev.deadlineguard.admission.DeadlinePatch;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.policy.DeadlinePolicy;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.core.Rfc3339;
import dev.deadlineguard.policy.ValidateMode;
import io.fabric8.zjsonpatch.JsonPatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the review path may answer to any body: a well-formed response AdmissionReview, or a
 * {@link BadReviewException} (the documented 400). Anything else is a finding, reported by throwing
 * {@link AssertionError} (or by letting the unexpected exception escape), which Jazzer records as a crash.
 *
 * <p>Besides the shape of the response, it checks that the two endpoints agree (a patch from
 * {@code /mutate} exactly when {@code /validate} objects) and that every patch applies to the object the
 * apiserver sent and repairs it: the patched request is allowed by both endpoints.
 */
final class ReviewOracle {

    static final String V1 = "admission.k8s.io/v1";
    static final String V1BETA1 = "admission.k8s.io/v1beta1";

    /** Independent of the code under test: rejects duplicate keys, keeps every number exact. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Under 256: the apiserver's limit for a warning, used for status messages too. */
    static final int MAX_WARNING = 255;
    /** "under ~1 KiB" for a 400 message. */
    static final int MAX_REJECTION = 1023;

    private static final Set<String> ACTIONS =
            Set.of(ReviewResult.ALLOW, ReviewResult.PATCH, ReviewResult.DENY, ReviewResult.WARN);
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "response");
    private static final Set<String> RESPONSE_FIELDS =
            Set.of("uid", "allowed", "patch", "patchType", "warnings", "status", "auditAnnotations");
    /** A Java stack frame, e.g. {@code at dev.deadlineguard.X.y(X.java:12)}. */
    private static final Pattern STACK_FRAME =
            Pattern.compile("\\bat [\\w$.]+\\((?:[\\w$]+\\.java:\\d+|Native Method|Unknown Source)\\)");
    private static final List<String> INTERNALS =
            List.of("com.fasterxml.", "java.lang.", "java.io.", "dev.deadlineguard.", "Exception:", "\tat ");

    private static final Map<GuardConfig, AdmissionReviewer> REVIEWERS = new HashMap<>();

    private ReviewOracle() {
    }

    static synchronized AdmissionReviewer reviewer(GuardConfig config) {
        return REVIEWERS.computeIfAbsent(config, AdmissionReviewer::new);
    }

    /** One endpoint's answer: exactly one of the two is set. */
    record Outcome(ReviewResult result, BadReviewException rejection) {
    }

    /** Reviews {@code body} on both endpoints and checks both answers and their agreement. */
    static void check(GuardConfig config, byte[] body) {
        AdmissionReviewer reviewer = reviewer(config);
        JsonNode request = parseStrictly(body);
        Outcome mutate = review(reviewer, Endpoint.MUTATE, body);
        Outcome validate = review(reviewer, Endpoint.VALIDATE, body);
        checkOutcome(Endpoint.MUTATE, config, body, request, mutate);
        checkOutcome(Endpoint.VALIDATE, config, body, request, validate);
        checkAgreement(config, mutate, validate);
        if (mutate.result() != null && ReviewResult.PATCH.equals(mutate.result().action()) && request != null) {
            checkRepair(config, request, mutate.result());
        }
    }

    /** The code under test: anything but a result or a BadReviewException escapes as a finding. */
    static Outcome review(AdmissionReviewer reviewer, Endpoint endpoint, byte[] body) {
        try {
            return new Outcome(reviewer.review(endpoint, body), null);
        } catch (BadReviewException e) {
            return new Outcome(null, e);
        }
    }

    /** The request as an independent strict parser reads it, or {@code null} when it does not. */
    static JsonNode parseStrictly(byte[] body) {
        try {
            JsonNode node = STRICT.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void checkOutcome(Endpoint endpoint, GuardConfig config, byte[] body, JsonNode request, Outcome outcome) {
        if (outcome.rejection() != null) {
            checkRejection(endpoint, body, outcome.rejection());
        } else {
            checkResult(endpoint, config, request, outcome.result());
        }
    }

    static void checkRejection(Endpoint endpoint, byte[] body, BadReviewException e) {
        String message = e.getMessage();
        require(message != null && !message.isBlank(), endpoint, "400 with an empty message");
        require(message.length() <= MAX_REJECTION, endpoint,
                "400 message of " + message.length() + " chars: " + head(message));
        require(!hasControl(message), endpoint, "400 message has control characters: " + visible(message));
        String text = new String(body, StandardCharsets.UTF_8);
        require(!STACK_FRAME.matcher(message).find() || STACK_FRAME.matcher(text).find(), endpoint,
                "400 message has a stack trace: " + head(message));
        for (String internal : INTERNALS) {
            require(!message.contains(internal) || text.contains(internal), endpoint,
                    "400 message shows internals (" + internal.strip() + "): " + head(message));
        }
    }

    static void checkResult(Endpoint endpoint, GuardConfig config, JsonNode request, ReviewResult result) {
        require(result != null, endpoint, "review returned null");
        String action = result.action();
        if (ReviewResult.FAIL_OPEN.equals(action)) {
            throw failedOpen(endpoint, config, result);
        }
        require(ACTIONS.contains(action), endpoint, "unknown action " + action);
        require(result.review() != null, endpoint, "result without the decoded review");
        require(result.decision() != null, endpoint, "result without a decision for action " + action);

        JsonNode answer;
        try {
            answer = STRICT.readTree(result.body());
        } catch (IOException e) {
            throw finding(endpoint, "response is not JSON: " + e.getMessage() + " in "
                    + head(new String(result.body(), StandardCharsets.UTF_8)));
        }
        require(answer != null && answer.isObject(), endpoint, "response is not a JSON object");
        requireOnly(answer, ROOT_FIELDS, endpoint, "response AdmissionReview");

        String apiVersion = answer.path("apiVersion").textValue();
        require(V1.equals(apiVersion) || V1BETA1.equals(apiVersion), endpoint, "response apiVersion " + apiVersion);
        require(apiVersion.equals(result.review().apiVersion()), endpoint,
                "response apiVersion " + apiVersion + " but decoded " + result.review().apiVersion());
        if (request != null) {
            require(apiVersion.equals(request.path("apiVersion").textValue()), endpoint,
                    "response apiVersion " + apiVersion + " but the request says " + request.path("apiVersion"));
        }
        require("AdmissionReview".equals(answer.path("kind").textValue()), endpoint, "response kind " + answer.get("kind"));

        JsonNode response = answer.get("response");
        require(response != null && response.isObject(), endpoint, "response.response is not an object");
        requireOnly(response, RESPONSE_FIELDS, endpoint, "response");
        JsonNode uid = response.get("uid");
        require(uid != null && uid.isTextual() && !uid.textValue().isEmpty(), endpoint, "response.uid " + uid);
        require(uid.textValue().equals(result.review().uid()), endpoint, "response.uid differs from the decoded uid");
        if (request != null) {
            require(uid.equals(request.path("request").path("uid")), endpoint,
                    "response.uid " + uid + " but request.uid " + request.path("request").path("uid"));
        }
        JsonNode allowed = response.get("allowed");
        require(allowed != null && allowed.isBoolean(), endpoint, "response.allowed " + allowed);

        JsonNode patch = response.get("patch");
        JsonNode patchType = response.get("patchType");
        require((patch == null) == (patchType == null), endpoint, "patch and patchType not together");
        require(patch == null || endpoint == Endpoint.MUTATE, endpoint, "a patch from /validate");
        require((patch != null) == ReviewResult.PATCH.equals(action), endpoint,
                "action " + action + " with patch " + (patch != null));
        if (patch != null) {
            require("JSONPatch".equals(patchType.textValue()), endpoint, "patchType " + patchType);
            checkPatchShape(endpoint, config, patch);
        }

        JsonNode warnings = response.get("warnings");
        if (warnings != null) {
            require(warnings.isArray(), endpoint, "warnings is not an array");
            for (JsonNode w : warnings) {
                require(w.isTextual(), endpoint, "a warning is not a string: " + w);
                checkMessage(endpoint, "warning", w.textValue());
            }
        }
        boolean warned = warnings != null && !warnings.isEmpty();
        JsonNode status = response.get("status");
        if (status != null) {
            require(status.isObject(), endpoint, "status is not an object");
            JsonNode message = status.get("message");
            require(message != null && message.isTextual(), endpoint, "status.message " + message);
            checkMessage(endpoint, "status.message", message.textValue());
        }
        JsonNode audit = response.get("auditAnnotations");
        if (audit != null) {
            require(audit.isObject(), endpoint, "auditAnnotations is not an object");
            for (Map.Entry<String, JsonNode> e : audit.properties()) {
                require(e.getValue().isTextual(), endpoint, "auditAnnotations value is not a string");
                require(!hasControl(e.getKey()) && !hasControl(e.getValue().textValue()), endpoint,
                        "auditAnnotations has control characters: " + visible(e.getValue().textValue()));
            }
        }

        boolean violations = result.decision().hasViolations();
        switch (action) {
            case ReviewResult.ALLOW -> {
                require(allowed.booleanValue() && status == null && !warned, endpoint, "allow with more than allowed=true");
                require(!violations, endpoint, "allow despite violations " + result.decision());
            }
            case ReviewResult.PATCH -> {
                require(endpoint == Endpoint.MUTATE && allowed.booleanValue() && warned, endpoint,
                        "patch without allowed=true and a warning");
                require(violations, endpoint, "patch without a violation");
            }
            case ReviewResult.DENY -> {
                require(endpoint == Endpoint.VALIDATE && config.validateMode() == ValidateMode.ENFORCE, endpoint,
                        "deny outside /validate in enforce mode");
                require(!allowed.booleanValue() && status != null && status.path("code").asInt() == 403, endpoint,
                        "deny without allowed=false and status 403");
                require(violations, endpoint, "deny without a violation");
            }
            case ReviewResult.WARN -> {
                require(endpoint == Endpoint.VALIDATE && config.validateMode() == ValidateMode.WARN, endpoint,
                        "warn outside /validate in warn mode");
                require(allowed.booleanValue() && warned && status == null, endpoint, "warn without allowed=true and a warning");
                require(violations, endpoint, "warn without a violation");
            }
            default -> throw finding(endpoint, "unknown action " + action);
        }
    }

    /**
     * A fail-open means an internal error. The reviewer logs its stack trace; when the decision step is
     * what failed, repeating it here attaches the same exception, so that the finding shows it too.
     */
    private static AssertionError failedOpen(Endpoint endpoint, GuardConfig config, ReviewResult result) {
        AssertionError finding = finding(endpoint, "failed open, i.e. an internal error (the reviewer logged it): "
                + head(new String(result.body(), StandardCharsets.UTF_8)));
        if (result.review() != null) {
            try {
                DeadlinePolicy.decide(result.review().input(), config);
            } catch (RuntimeException | StackOverflowError e) {
                finding.initCause(e);
            }
        }
        return finding;
    }

    /** Every operation touches a guarded key only, and restores only RFC 3339 deadlines. */
    static void checkPatchShape(Endpoint endpoint, GuardConfig config, JsonNode patchField) {
        JsonNode ops = decodePatch(endpoint, patchField);
        require(ops.isArray() && !ops.isEmpty(), endpoint, "patch is not a non-empty array: " + ops);
        for (JsonNode op : ops) {
            require(op.isObject(), endpoint, "patch operation is not an object: " + op);
            String name = op.path("op").textValue();
            String path = op.path("path").textValue();
            require(path != null, endpoint, "patch operation without a path: " + op);
            JsonNode value = op.get("value");
            switch (String.valueOf(name)) {
                case "remove" -> require(isGuardedPointer(config, path) && value == null, endpoint,
                        "remove of something other than a guarded key: " + op);
                case "add", "replace" -> {
                    require(value != null, endpoint, "patch operation without a value: " + op);
                    if (isGuardedPointer(config, path)) {
                        requireDeadline(endpoint, value, op);
                    } else if (name.equals("add") && path.equals("/metadata/annotations")) {
                        requireGuardedMap(endpoint, config, value, op);
                    } else if (name.equals("add") && path.equals("/metadata")) {
                        require(value.isObject() && value.size() == 1 && value.has("annotations"), endpoint,
                                "patch adds more than annotations: " + op);
                        requireGuardedMap(endpoint, config, value.get("annotations"), op);
                    } else {
                        throw finding(endpoint, "patch touches " + path + ": " + op);
                    }
                }
                default -> throw finding(endpoint, "patch operation " + name + ": " + op);
            }
        }
    }

    private static JsonNode decodePatch(Endpoint endpoint, JsonNode patchField) {
        require(patchField.isTextual(), endpoint, "patch is not a string");
        try {
            return STRICT.readTree(Base64.getDecoder().decode(patchField.textValue()));
        } catch (IllegalArgumentException | IOException e) {
            throw finding(endpoint, "patch is not base64 JSON: " + e.getMessage());
        }
    }

    private static boolean isGuardedPointer(GuardConfig config, String path) {
        return config.guardedKeys().stream().anyMatch(k -> DeadlinePatch.annotationPointer(k).equals(path));
    }

    private static void requireGuardedMap(Endpoint endpoint, GuardConfig config, JsonNode map, JsonNode op) {
        require(map != null && map.isObject() && !map.isEmpty(), endpoint, "patch adds no annotations: " + op);
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            require(config.guardedKeys().contains(e.getKey()), endpoint, "patch adds a foreign annotation: " + op);
            requireDeadline(endpoint, e.getValue(), op);
        }
    }

    private static void requireDeadline(Endpoint endpoint, JsonNode value, JsonNode op) {
        require(value.isTextual() && Rfc3339.parse(value.textValue()).isPresent(), endpoint,
                "patch writes something other than an RFC 3339 deadline: " + op);
    }

    /** The two endpoints judge the same body the same way. */
    static void checkAgreement(GuardConfig config, Outcome mutate, Outcome validate) {
        if (mutate.rejection() != null || validate.rejection() != null) {
            require(mutate.rejection() != null && validate.rejection() != null
                            && mutate.rejection().getMessage().equals(validate.rejection().getMessage()),
                    Endpoint.VALIDATE, "endpoints disagree on rejecting: /mutate " + describe(mutate)
                            + ", /validate " + describe(validate));
            return;
        }
        String m = mutate.result().action();
        String v = validate.result().action();
        String expected = switch (m) {
            case ReviewResult.ALLOW -> ReviewResult.ALLOW;
            case ReviewResult.PATCH -> config.validateMode() == ValidateMode.ENFORCE ? ReviewResult.DENY : ReviewResult.WARN;
            default -> "(none: /mutate answered " + m + ")";
        };
        require(expected.equals(v), Endpoint.VALIDATE, "/mutate " + m + " but /validate " + v);
    }

    /**
     * The patch applies to {@code request.object} as sent, and the patched request is allowed, without a
     * patch, by both endpoints: the repair repairs.
     */
    static void checkRepair(GuardConfig config, JsonNode request, ReviewResult patched) {
        JsonNode object = request.path("request").get("object");
        require(object != null && object.isObject(), Endpoint.MUTATE, "patched a request without an object");
        JsonNode ops;
        try {
            ops = STRICT.readTree(Base64.getDecoder().decode(STRICT.readTree(patched.body()).path("response").path("patch").textValue()));
        } catch (IOException e) {
            throw finding(Endpoint.MUTATE, "patch unreadable: " + e);
        }
        JsonNode repaired;
        try {
            repaired = JsonPatch.apply(ops, object);
        } catch (RuntimeException e) {
            throw finding(Endpoint.MUTATE, "patch does not apply to request.object: " + e.getMessage() + "; patch " + ops);
        }
        ObjectNode again = request.deepCopy();
        ((ObjectNode) again.get("request")).set("object", repaired);
        byte[] body;
        try {
            body = STRICT.writeValueAsBytes(again);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("harness could not re-encode the request", e);
        }
        AdmissionReviewer reviewer = reviewer(config);
        for (Endpoint endpoint : Endpoint.values()) {
            Outcome outcome = review(reviewer, endpoint, body);
            require(outcome.result() != null, endpoint, "the repaired request is rejected: " + describe(outcome));
            require(ReviewResult.ALLOW.equals(outcome.result().action()), endpoint,
                    "the repaired request is not allowed but " + outcome.result().action() + " (patch " + ops + ")");
        }
    }

    static void checkMessage(Endpoint endpoint, String what, String text) {
        require(!text.isBlank(), endpoint, what + " is blank");
        require(text.length() <= MAX_WARNING, endpoint, what + " of " + text.length() + " chars: " + head(text));
        require(!hasControl(text), endpoint, what + " has control characters: " + visible(text));
    }

    private static void requireOnly(JsonNode node, Set<String> fields, Endpoint endpoint, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            require(fields.contains(name), endpoint, what + " has an unexpected field " + visible(name));
        }
    }

    static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static String describe(Outcome o) {
        return o.rejection() != null ? "400 '" + o.rejection().getMessage() + "'" : o.result().action();
    }

    private static String head(String s) {
        return visible(s.length() <= 300 ? s : s.substring(0, 300) + "...");
    }

    /** Control characters shown as escapes, so that the report itself stays readable. */
    static String visible(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    static void require(boolean ok, Endpoint endpoint, String problem) {
        if (!ok) {
            throw finding(endpoint, problem);
        }
    }

    static AssertionError finding(Endpoint endpoint, String problem) {
        return new AssertionError(endpoint.path() + ": " + problem);
    }
}
