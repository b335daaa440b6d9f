package dev.deadlineguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rendered reports against the published CRD schemas (hand-transcribed in {@link CrdSchemas}). */
class ReportFormatTest {

    static NamespaceReport report() {
        List<Finding> all = new ArrayList<>();
        all.addAll(NamespaceReportTest.findings("shop", "checkout-old", "2024-08-01T15:00:00Z"));
        all.addAll(NamespaceReportTest.findings("shop", "checkout-blank", ""));
        return NamespaceReport.build(all, 1000).get("shop");
    }

    @Test
    void aPolicyReportMatchesTheWgPolicyCrd() throws Exception {
        JsonNode rendered = ReportFormat.WGPOLICY.render(report());
        assertThat(CrdSchemas.violations(CrdSchemas.POLICY_REPORT_V1ALPHA2, rendered)).isEmpty();
        assertThat(rendered.get("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(rendered.get("kind").asText()).isEqualTo("PolicyReport");
        assertThat(rendered.get("summary").toString()).isEqualTo("{\"pass\":1,\"fail\":2,\"warn\":0,\"error\":0,\"skip\":1}");
        assertThat(rendered.get("results").get(0).toString()).isEqualTo(Json.MAPPER.readTree("""
                {"source":"deadline-guard","policy":"scale-down-deadline","rule":"deadline-well-formed","category":"Argo Rollouts",
                 "severity":"high","result":"fail","scored":true,
                 "message":"scale-down-deadline is blank: Argo Rollouts reads it as no deadline and never scales the ReplicaSet down (the v1.7.0/v1.7.1 conflict bug; upgrade to v1.7.2+); sweeper: repair: scale-down-deadline is blank (3 replicas): write a fresh deadline",
                 "timestamp":{"seconds":%d,"nanos":0},
                 "resources":[{"apiVersion":"apps/v1","kind":"ReplicaSet","namespace":"shop","name":"checkout-blank","uid":"uid-checkout-blank"}],
                 "properties":{"deadline":"","decision":"repair","detail":"","key":"scale-down-deadline","reason":"","replicas":"3",
                  "revision":"1","rollout":"r","value":""}}
                """.formatted(Instant.parse("2024-08-01T16:00:00Z").getEpochSecond())).toString());
        assertThat(rendered.at("/metadata/name").asText()).isEqualTo("deadline-guard");
        assertThat(rendered.at("/metadata/namespace").asText()).isEqualTo("shop");
    }

    @Test
    void anOpenReportsReportMatchesItsCrdWithTheSameContent() {
        JsonNode policyReport = ReportFormat.WGPOLICY.render(report());
        JsonNode report = ReportFormat.OPENREPORTS.render(report());
        assertThat(CrdSchemas.violations(CrdSchemas.OPENREPORTS_REPORT_V1ALPHA1, report)).isEmpty();
        assertThat(report.get("apiVersion").asText()).isEqualTo("openreports.io/v1alpha1");
        assertThat(report.get("kind").asText()).isEqualTo("Report");
        assertThat(report.get("source").asText()).isEqualTo("deadline-guard");
        assertThat(report.get("results")).isEqualTo(policyReport.get("results"));
        assertThat(report.get("summary")).isEqualTo(policyReport.get("summary"));
    }
}
