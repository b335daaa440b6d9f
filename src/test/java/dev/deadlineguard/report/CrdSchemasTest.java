package dev.deadlineguard.report;

import static dev.deadlineguard.report.CrdSchemas.OPENREPORTS_REPORT_V1ALPHA1;
import static dev.deadlineguard.report.CrdSchemas.POLICY_REPORT_V1ALPHA2;
import static dev.deadlineguard.report.CrdSchemas.violations;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class CrdSchemasTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The exact shape of one valid {@code results[]} entry, accepted by both PolicyReport v1alpha2
   * and OpenReports Report v1alpha1. Note {@code timestamp} is {seconds, nanos} integers (both
   * required once timestamp is present), not an RFC 3339 string; {@code properties} is a
   * string-to-string map (numbers/booleans must be quoted); only {@code policy} is required.
   */
  static final String EXAMPLE_RESULT = """
      {
        "source": "deadline-guard",
        "policy": "scale-down-deadline",
        "rule": "deadline-not-passed",
        "category": "Argo Rollouts",
        "severity": "medium",
        "timestamp": {"seconds": 1767225600, "nanos": 0},
        "result": "fail",
        "scored": true,
        "message": "scale-down deadline 2026-01-01T00:00:00Z has passed",
        "resources": [
          {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Rollout",
            "name": "checkout",
            "namespace": "shop",
            "uid": "0b5f6d7e-1111-2222-3333-444455556666"
          }
        ],
        "properties": {"deadline": "2026-01-01T00:00:00Z", "replicas": "3"}
      }
      """;

  static final String VALID_POLICY_REPORT = """
      {
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "PolicyReport",
        "metadata": {
          "name": "deadline-guard-shop",
          "namespace": "shop",
          "labels": {"app.kubernetes.io/managed-by": "deadline-guard"}
        },
        "scope": {"apiVersion": "v1", "kind": "Namespace", "name": "shop"},
        "summary": {"pass": 1, "fail": 1, "warn": 0, "error": 0, "skip": 0},
        "results": [
          %s,
          {
            "policy": "scale-down-deadline",
            "result": "pass",
            "resourceSelector": {
              "matchLabels": {"app": "web"},
              "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]
            }
          }
        ]
      }
      """.formatted(EXAMPLE_RESULT);

  static final String VALID_OPENREPORTS_REPORT = """
      {
        "apiVersion": "openreports.io/v1alpha1",
        "kind": "Report",
        "metadata": {"name": "deadline-guard-shop", "namespace": "shop"},
        "source": "deadline-guard",
        "scope": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "checkout", "namespace": "shop"},
        "configuration": {"limits": {"maxResults": 100, "statusFilter": ["fail", "warn"]}},
        "summary": {"pass": 0, "fail": 1, "warn": 0, "error": 0, "skip": 0},
        "results": [%s]
      }
      """.formatted(EXAMPLE_RESULT);

  private static ObjectNode parse(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  /** The object at {@code name}, created if absent. */
  private static ObjectNode obj(JsonNode parent, String name) {
    ObjectNode p = (ObjectNode) parent;
    return p.has(name) ? (ObjectNode) p.get(name) : p.putObject(name);
  }

  private static ObjectNode firstResult(ObjectNode report) {
    return (ObjectNode) report.withArray("results").get(0);
  }

  // ------------------------------------------------------------------ valid documents

  @Test
  void validPolicyReportHasNoViolations() throws Exception {
    assertThat(violations(POLICY_REPORT_V1ALPHA2, parse(VALID_POLICY_REPORT))).isEmpty();
  }

  @Test
  void validOpenReportsReportHasNoViolations() throws Exception {
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, parse(VALID_OPENREPORTS_REPORT))).isEmpty();
  }

  @Test
  void exampleResultIsValidInBothSchemas() throws Exception {
    JsonNode result = JSON.readTree(EXAMPLE_RESULT);
    assertThat(violations(POLICY_REPORT_V1ALPHA2.properties().get("results").items(), result)).isEmpty();
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1.properties().get("results").items(), result)).isEmpty();
  }

  @Test
  void minimalDocumentsAreValid() throws Exception {
    assertThat(violations(POLICY_REPORT_V1ALPHA2, parse("""
        {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
         "metadata": {"name": "r", "namespace": "n"}, "results": [{"policy": "p"}]}
        """))).isEmpty();
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, parse("""
        {"apiVersion": "openreports.io/v1alpha1", "kind": "Report", "metadata": {"name": "r"}}
        """))).isEmpty();
  }

  @Test
  void metadataIsOpenButItsCommonFieldsAreTyped() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    ((ObjectNode) report.get("metadata")).put("resourceVersion", "42");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).isEmpty();

    obj(obj(report, "metadata"), "labels").put("count", 3);
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report))
        .containsExactly("$.metadata.labels.count: expected string but was integer");
  }

  // ------------------------------------------------------------------ each kind of violation

  @Test
  void unknownFieldIsReported() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    firstResult(report).put("status", "fail");
    obj(report, "summary").put("total", 2);
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).containsExactly(
        "$.summary.total: unknown field (the API server would prune it)",
        "$.results[0].status: unknown field (the API server would prune it)");
  }

  @Test
  void topLevelSourceIsUnknownInPolicyReportButAllowedInOpenReports() throws Exception {
    ObjectNode policyReport = parse(VALID_POLICY_REPORT);
    policyReport.put("source", "deadline-guard");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, policyReport))
        .containsExactly("$.source: unknown field (the API server would prune it)");

    ObjectNode policyReportWithConfiguration = parse(VALID_POLICY_REPORT);
    policyReportWithConfiguration.putObject("configuration").putObject("limits");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, policyReportWithConfiguration))
        .containsExactly("$.configuration: unknown field (the API server would prune it)");

    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, parse(VALID_OPENREPORTS_REPORT))).isEmpty();
  }

  @Test
  void wrongJsonTypeIsReported() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    firstResult(report).put("scored", "true");
    obj(firstResult(report), "properties").put("replicas", 3);
    report.put("scope", "Namespace/shop");
    report.putNull("scopeSelector");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).containsExactly(
        "$.scope: expected object but was string",
        "$.results[0].scored: expected boolean but was string",
        "$.results[0].properties.replicas: expected string but was integer",
        "$.scopeSelector: expected object but was null");
  }

  @Test
  void timestampAsRfc3339StringIsAWrongType() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    firstResult(report).put("timestamp", "2026-01-01T00:00:00Z");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report))
        .containsExactly("$.results[0].timestamp: expected object but was string");
  }

  @Test
  void valueOutsideEnumIsReported() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    firstResult(report).put("result", "failed");
    firstResult(report).put("severity", "warning");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).containsExactly(
        "$.results[0].severity: value \"warning\" is not one of [critical, high, low, medium, info]",
        "$.results[0].result: value \"failed\" is not one of [pass, fail, warn, error, skip]");

    ObjectNode openReport = parse(VALID_OPENREPORTS_REPORT);
    ((ArrayNode) obj(obj(openReport, "configuration"), "limits").get("statusFilter")).add("Fail");
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, openReport)).containsExactly(
        "$.configuration.limits.statusFilter[2]: value \"Fail\" is not one of [pass, fail, warn, error, skip]");
  }

  @Test
  void missingRequiredFieldIsReported() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    firstResult(report).remove("policy");
    obj(firstResult(report), "timestamp").remove("nanos");
    ((ObjectNode) report.at("/results/1/resourceSelector/matchExpressions/0")).remove("operator");
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).containsExactly(
        "$.results[0]: missing required field \"policy\"",
        "$.results[0].timestamp: missing required field \"nanos\"",
        "$.results[1].resourceSelector.matchExpressions[0]: missing required field \"operator\"");

    ObjectNode openReport = parse(VALID_OPENREPORTS_REPORT);
    obj(openReport, "configuration").remove("limits");
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, openReport))
        .containsExactly("$.configuration: missing required field \"limits\"");
  }

  @Test
  void nonIntegerSummaryCountIsReported() throws Exception {
    ObjectNode report = parse(VALID_OPENREPORTS_REPORT);
    obj(report, "summary").put("fail", 1.5);
    obj(report, "summary").put("pass", 2.0);
    obj(report, "summary").put("warn", "0");
    assertThat(violations(OPENREPORTS_REPORT_V1ALPHA1, report)).containsExactly(
        "$.summary.pass: expected integer but was number 2.0",
        "$.summary.fail: expected integer but was number 1.5",
        "$.summary.warn: expected integer but was string");
  }

  @Test
  void integerOutsideItsFormatIsReported() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    obj(firstResult(report), "timestamp").put("nanos", 5_000_000_000L);
    obj(firstResult(report), "timestamp").put("seconds", new java.math.BigInteger("99999999999999999999"));
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report)).containsExactly(
        "$.results[0].timestamp.seconds: 99999999999999999999 is out of range for format int64",
        "$.results[0].timestamp.nanos: 5000000000 is out of range for format int32");
  }

  @Test
  void mapKeysThatAreNotSimpleNamesAreQuotedInPaths() throws Exception {
    ObjectNode report = parse(VALID_POLICY_REPORT);
    obj(obj(report, "scopeSelector"), "matchLabels").put("app.kubernetes.io/name", true);
    assertThat(violations(POLICY_REPORT_V1ALPHA2, report))
        .containsExactly("$.scopeSelector.matchLabels[\"app.kubernetes.io/name\"]: expected string but was boolean");
  }

  // ------------------------------------------------------------------ features neither CRD uses

  @Test
  void dateTimeFormatIsChecked() throws Exception {
    CrdSchemas.Node schema = CrdSchemas.object("at", CrdSchemas.string("date-time"));
    assertThat(violations(schema, JSON.readTree("{\"at\": \"2026-01-01T00:00:00Z\"}"))).isEmpty();
    assertThat(violations(schema, JSON.readTree("{\"at\": \"2026-01-01T00:00:00.123+02:00\"}"))).isEmpty();
    assertThat(violations(schema, JSON.readTree("{\"at\": \"2026-01-01 00:00\"}")))
        .containsExactly("$.at: \"2026-01-01 00:00\" is not a valid date-time");
  }

  @Test
  void preserveUnknownFieldsAndIntOrStringAreHonoured() throws Exception {
    CrdSchemas.Node schema = CrdSchemas.object(
        "open", CrdSchemas.object("typed", CrdSchemas.integer()).preservingUnknownFields(),
        "port", CrdSchemas.intOrString());
    assertThat(violations(schema, JSON.readTree("{\"open\": {\"typed\": 1, \"extra\": [1]}, \"port\": \"http\"}")))
        .isEmpty();
    assertThat(violations(schema, JSON.readTree("{\"open\": {\"typed\": \"1\"}, \"port\": 8080}")))
        .containsExactly("$.open.typed: expected integer but was string");
    assertThat(violations(schema, JSON.readTree("{\"port\": 1.5}")))
        .containsExactly("$.port: expected int-or-string but was number");
  }
}
