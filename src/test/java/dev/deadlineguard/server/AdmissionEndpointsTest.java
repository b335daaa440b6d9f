package dev.deadlineguard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every decision-table row, over a real TLS socket, against the shipped samples: the exact response
 * review, the decoded patch, and the annotations after the apiserver would apply it.
 */
class AdmissionEndpointsTest {

    static final String D1 = "2024-08-01T15:13:36Z";
    static final String KEY = "scale-down-deadline";
    static final String RS = "shop/checkout-6d8f7b9c4d";
    static final String UPGRADE = "upgrade Argo Rollouts to v1.7.2 or later";

    @TempDir
    static Path certDir;
    static TestServers.Running running;
    static AdmissionServer server;
    static TlsClient client;
    static MetricsRegistry metrics;

    @BeforeAll
    static void start() throws Exception {
        running = TestServers.start(certDir, ServerSettings.DEFAULT_MAX_REQUEST_BYTES);
        server = running.server();
        metrics = running.metrics();
        client = running.client();
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-unchanged", "02-set", "03-changed", "08-dropped-scale-down", "09-dropped-by-controller",
            "11-blank-removed", "14-scale-subresource", "15-not-argo"})
    void allowedRowsGetABareAllowOnBothEndpoints(String sample) throws Exception {
        for (String path : List.of("/mutate", "/validate")) {
            HttpResponse<String> response = client.postJson(path, Samples.bytes(sample));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(TlsClient.json(response)).isEqualTo(json(
                    "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','response':{'uid':'" + uid(sample) + "','allowed':true}}"));
        }
    }

    @Test
    void blankedIsRestoredByMutateWithExactWireJson() throws Exception {
        HttpResponse<String> response = client.postJson("/mutate", Samples.bytes("04-blanked"));

        assertThat(response.statusCode()).isEqualTo(200);
        String warning = KEY + " on ReplicaSet " + RS + " was blanked (\\\"" + D1 + "\\\" -> \\\"\\\"); deadline-guard restored \\\"" + D1 + "\\\"";
        String patch = "[{\"op\":\"replace\",\"path\":\"/metadata/annotations/scale-down-deadline\",\"value\":\"" + D1 + "\"}]";
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{"
                + "\"allowed\":true,"
                + "\"auditAnnotations\":{\"action\":\"restored scale-down-deadline (blanked: \\\"" + D1 + "\\\" -> \\\"\\\")\"},"
                + "\"patch\":\"" + Base64.getEncoder().encodeToString(patch.getBytes()) + "\","
                + "\"patchType\":\"JSONPatch\","
                + "\"uid\":\"" + uid("04-blanked") + "\","
                + "\"warnings\":[\"" + warning + "\"]}}");
        assertPatchRestoresOldAnnotations("04-blanked", response);
    }

    @Test
    void blankedIsDeniedByValidateWithExactWireJson() throws Exception {
        HttpResponse<String> response = client.postJson("/validate", Samples.bytes("04-blanked"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{"
                + "\"allowed\":false,"
                + "\"auditAnnotations\":{\"action\":\"denied scale-down-deadline (blanked: \\\"" + D1 + "\\\" -> \\\"\\\")\"},"
                + "\"status\":{\"code\":403,\"message\":\"" + KEY + " on ReplicaSet " + RS + " was blanked (\\\"" + D1
                + "\\\" -> \\\"\\\"); denied: " + UPGRADE + " (v1.7.0 and v1.7.1 blank it after a 409 conflict)\",\"reason\":\"Forbidden\"},"
                + "\"uid\":\"" + uid("04-blanked") + "\"}}");
    }

    @Test
    void blankedWithNoPriorValueIsRemoved() throws Exception {
        assertMutation("05-blanked-no-prior", "[{'op':'remove','path':'/metadata/annotations/scale-down-deadline'}]",
                KEY + " on ReplicaSet " + RS + " was set blank, no prior deadline (absent -> \"\"); "
                        + "deadline-guard removed the key so the controller writes a fresh deadline",
                "removed scale-down-deadline (blanked_no_prior: absent -> \"\")");
        assertDenial("05-blanked-no-prior", KEY + " on ReplicaSet " + RS + " was set blank, no prior deadline (absent -> \"\"); denied: "
                + UPGRADE + " (v1.7.0 and v1.7.1 blank it after a 409 conflict)", "denied scale-down-deadline (blanked_no_prior: absent -> \"\")");
    }

    @Test
    void invalidIsRestored() throws Exception {
        String what = KEY + " on ReplicaSet " + RS + " was set to non-RFC 3339 (\"" + D1 + "\" -> \"2024-08-01 15:13:36\")";
        assertMutation("06-invalid", "[{'op':'replace','path':'/metadata/annotations/scale-down-deadline','value':'" + D1 + "'}]",
                what + "; deadline-guard restored \"" + D1 + "\"",
                "restored scale-down-deadline (invalid: \"" + D1 + "\" -> \"2024-08-01 15:13:36\")");
        assertDenial("06-invalid", what + "; denied: write RFC 3339 (2024-08-01T15:13:36Z) or " + UPGRADE,
                "denied scale-down-deadline (invalid: \"" + D1 + "\" -> \"2024-08-01 15:13:36\")");
    }

    @Test
    void invalidWithNoPriorValueIsRemoved() throws Exception {
        String what = KEY + " on ReplicaSet " + RS + " was set to non-RFC 3339, no prior deadline (absent -> \"tomorrow\")";
        assertMutation("07-invalid-no-prior", "[{'op':'remove','path':'/metadata/annotations/scale-down-deadline'}]",
                what + "; deadline-guard removed the key so the controller writes a fresh deadline",
                "removed scale-down-deadline (invalid_no_prior: absent -> \"tomorrow\")");
        assertDenial("07-invalid-no-prior", what + "; denied: write RFC 3339 (2024-08-01T15:13:36Z) or " + UPGRADE,
                "denied scale-down-deadline (invalid_no_prior: absent -> \"tomorrow\")");
    }

    @Test
    void droppedByAPersonIsRestored() throws Exception {
        String what = KEY + " on ReplicaSet " + RS + " was removed, replicas > 0 (\"" + D1 + "\" -> absent)";
        assertMutation("10-dropped-by-other", "[{'op':'add','path':'/metadata/annotations/scale-down-deadline','value':'" + D1 + "'}]",
                what + "; deadline-guard restored \"" + D1 + "\"",
                "restored scale-down-deadline (dropped: \"" + D1 + "\" -> absent)");
        assertDenial("10-dropped-by-other", what + "; denied: only Argo Rollouts or a scale-down to 0 may remove it; " + UPGRADE,
                "denied scale-down-deadline (dropped: \"" + D1 + "\" -> absent)");
    }

    @Test
    void documentedKeyIsGuardedWithAnEscapedPointer() throws Exception {
        String key = "argo-rollouts.argoproj.io/scale-down-deadline";
        String what = key + " on ReplicaSet " + RS + " was blanked (\"" + D1 + "\" -> \"\")";
        assertMutation("12-documented-key-blanked",
                "[{'op':'replace','path':'/metadata/annotations/argo-rollouts.argoproj.io~1scale-down-deadline','value':'" + D1 + "'}]",
                what + "; deadline-guard restored \"" + D1 + "\"",
                "restored " + key + " (blanked: \"" + D1 + "\" -> \"\")");
        assertDenial("12-documented-key-blanked", what + "; denied: " + UPGRADE + " (v1.7.0 and v1.7.1 blank it after a 409 conflict)",
                "denied " + key + " (blanked: \"" + D1 + "\" -> \"\")");
    }

    /** The same rows with the documented key: the verdict is the same, the pointer escapes the slash. */
    @ParameterizedTest
    @ValueSource(strings = {"01-unchanged", "02-set", "03-changed", "04-blanked", "05-blanked-no-prior", "06-invalid",
            "07-invalid-no-prior", "08-dropped-scale-down", "09-dropped-by-controller", "10-dropped-by-other", "11-blank-removed"})
    void everyRowHoldsForTheDocumentedKey(String sample) throws Exception {
        String documented = "argo-rollouts.argoproj.io/scale-down-deadline";
        JsonNode review = Samples.json(sample);
        for (String side : List.of("object", "oldObject")) {
            com.fasterxml.jackson.databind.node.ObjectNode annotations =
                    (com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/" + side + "/metadata/annotations");
            JsonNode value = annotations.remove(KEY);
            if (value != null) {
                annotations.set(documented, value);
            }
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(review);
        for (String path : List.of("/mutate", "/validate")) {
            JsonNode original = withDecodedPatch(TlsClient.json(client.postJson(path, Samples.bytes(sample))).get("response"));
            JsonNode renamed = withDecodedPatch(TlsClient.json(client.postJson(path, body)).get("response"));

            String expected = Json.MAPPER.writeValueAsString(original)
                    .replace("/metadata/annotations/" + KEY, "/metadata/annotations/argo-rollouts.argoproj.io~1" + KEY)
                    .replace(KEY + " on ReplicaSet", documented + " on ReplicaSet")
                    .replace("ed " + KEY + " (", "ed " + documented + " (")
                    .replace("\"" + KEY + "\":", "\"" + documented + "\":");
            assertThat(Json.MAPPER.writeValueAsString(renamed)).isEqualTo(expected);
            if (renamed.has("patch")) {
                JsonNode patched = JsonPatch.apply(renamed.get("patch"), review.at("/request/object"));
                assertThat(patched.at("/metadata/annotations")).isEqualTo(review.at("/request/oldObject/metadata/annotations"));
            }
        }
    }

    /** The response with its base64 patch replaced by the decoded JSON Patch, for comparing. */
    private static JsonNode withDecodedPatch(JsonNode response) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode copy = response.deepCopy();
        if (copy.has("patch")) {
            copy.set("patch", Json.MAPPER.readTree(Base64.getDecoder().decode(copy.get("patch").asText())));
        }
        copy.remove("uid");
        return copy;
    }

    @Test
    void v1beta1IsAnsweredInV1beta1() throws Exception {
        for (String path : List.of("/mutate", "/validate")) {
            JsonNode v1beta1 = TlsClient.json(client.postJson(path, Samples.bytes("13-v1beta1-blanked")));
            JsonNode v1 = TlsClient.json(client.postJson(path, Samples.bytes("04-blanked")));

            assertThat(v1beta1.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
            assertThat(v1beta1.get("kind").asText()).isEqualTo("AdmissionReview");
            assertThat(v1beta1.at("/response/uid").asText()).isEqualTo(uid("13-v1beta1-blanked"));
            ((com.fasterxml.jackson.databind.node.ObjectNode) v1beta1.get("response")).remove("uid");
            ((com.fasterxml.jackson.databind.node.ObjectNode) v1.get("response")).remove("uid");
            assertThat(v1beta1.get("response")).isEqualTo(v1.get("response"));
        }
    }

    @Test
    void validateInWarnModeAllowsWithTheSameTextAsAWarning() throws Exception {
        AdmissionReviewer warn = new AdmissionReviewer(GuardConfig.defaults().withValidateMode(dev.deadlineguard.policy.ValidateMode.WARN));
        JsonNode response = Json.MAPPER.readTree(warn.review(dev.deadlineguard.admission.Endpoint.VALIDATE, Samples.bytes("04-blanked")).body());
        assertThat(response.get("response")).isEqualTo(json("{'uid':'" + uid("04-blanked") + "','allowed':true,"
                + "'auditAnnotations':{'action':'warned scale-down-deadline (blanked: \\'" + D1 + "\\' -> \\'\\')'},"
                + "'warnings':['" + KEY + " on ReplicaSet " + RS + " was blanked (\\'" + D1 + "\\' -> \\'\\'); "
                + "deadline-guard would deny this in enforce mode: " + UPGRADE + " (v1.7.0 and v1.7.1 blank it after a 409 conflict)']}"));
    }

    @Test
    void metricsCountReviewsByEndpointCaseAndAction() throws Exception {
        client.postJson("/mutate", Samples.bytes("04-blanked"));
        client.postJson("/validate", Samples.bytes("15-not-argo"));
        HttpResponse<String> scrape = client.send("GET", "/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scrape.body())
                .containsPattern("deadline_guard_admission_reviews_total\\{action=\"patch\",case=\"blanked\",endpoint=\"mutate\"} [1-9]")
                .containsPattern("deadline_guard_admission_reviews_total\\{action=\"allow\",case=\"not_guarded\",endpoint=\"validate\"} [1-9]")
                .containsPattern("deadline_guard_admission_review_duration_seconds_count\\{endpoint=\"mutate\"} [1-9]")
                .contains("deadline_guard_admission_review_duration_seconds_bucket{endpoint=\"mutate\",le=\"0.005\"}");
    }

    @Test
    void aReviewOfTheApiserversLargestObjectsIsAccepted() throws Exception {
        JsonNode review = Samples.json("04-blanked");
        String filler = "x".repeat(3 * 1024 * 1024 - 64 * 1024);
        for (String side : List.of("object", "oldObject")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/" + side + "/metadata/annotations"))
                    .put("example.com/large", filler);
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(review);
        assertThat(body.length).isGreaterThan(6_000_000);

        HttpResponse<String> response = client.postJson("/mutate", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TlsClient.json(response).at("/response/patchType").asText()).isEqualTo("JSONPatch");
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> health = client.send("GET", "/healthz");
        HttpResponse<String> ready = client.send("GET", "/readyz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ok\n");
    }

    private static void assertMutation(String sample, String patch, String warning, String audit) throws Exception {
        HttpResponse<String> response = client.postJson("/mutate", Samples.bytes(sample));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode review = TlsClient.json(response);
        assertThat(review.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        JsonNode r = review.get("response");
        assertThat(r.get("uid").asText()).isEqualTo(uid(sample));
        assertThat(r.get("allowed").asBoolean()).isTrue();
        assertThat(r.get("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(Json.MAPPER.readTree(Base64.getDecoder().decode(r.get("patch").asText()))).isEqualTo(json(patch));
        assertThat(r.get("warnings")).isEqualTo(Json.MAPPER.valueToTree(List.of(warning)));
        assertThat(r.get("auditAnnotations")).isEqualTo(Json.MAPPER.valueToTree(java.util.Map.of("action", audit)));
        assertThat(r.has("status")).isFalse();
        assertPatchRestoresOldAnnotations(sample, response);
    }

    private static void assertDenial(String sample, String message, String audit) throws Exception {
        HttpResponse<String> response = client.postJson("/validate", Samples.bytes(sample));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode r = TlsClient.json(response).get("response");
        assertThat(r).isEqualTo(Json.MAPPER.createObjectNode()
                .put("uid", uid(sample))
                .put("allowed", false)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("auditAnnotations", Json.MAPPER.createObjectNode().put("action", audit))
                .set("status", Json.MAPPER.createObjectNode().put("code", 403).put("reason", "Forbidden").put("message", message)));
        assertThat(message.length()).isLessThan(256);
    }

    /** In every violating sample, the repaired object has exactly the annotations the old object had. */
    private static void assertPatchRestoresOldAnnotations(String sample, HttpResponse<String> response) throws Exception {
        JsonNode request = Samples.json(sample).get("request");
        JsonNode patch = Json.MAPPER.readTree(Base64.getDecoder().decode(TlsClient.json(response).at("/response/patch").asText()));
        JsonNode patched = JsonPatch.apply(patch, request.get("object"));

        assertThat(patched.at("/metadata/annotations")).isEqualTo(request.at("/oldObject/metadata/annotations"));
        JsonNode unpatched = request.get("object").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) unpatched.get("metadata")).remove("annotations");
        ((com.fasterxml.jackson.databind.node.ObjectNode) patched.get("metadata")).remove("annotations");
        assertThat(patched).as("the patch touches nothing but the annotations").isEqualTo(unpatched);
    }

    static String uid(String sample) {
        return Samples.json(sample).at("/request/uid").asText();
    }

    static JsonNode json(String singleQuoted) throws Exception {
        return Json.MAPPER.readTree(singleQuoted.replace("\\'", "\u0001").replace('\'', '"').replace("\u0001", "\\\""));
    }
}
