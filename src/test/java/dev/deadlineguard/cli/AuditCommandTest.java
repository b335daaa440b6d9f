package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.deadlineguard.admission.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditCommandTest {

    static final String STATE = "samples/cluster-state.json";
    static final String NOW = "2024-08-01T16:00:00Z";

    @TempDir
    Path dir;

    static List<String> results(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode report : list.get("items")) {
            for (JsonNode r : report.get("results")) {
                out.add(r.at("/resources/0/namespace").asText() + "/" + r.at("/resources/0/name").asText() + " "
                        + r.get("rule").asText() + "=" + r.get("result").asText());
            }
        }
        return out;
    }

    @Test
    void theSampleClusterStateGivesEveryCase() throws Exception {
        ReviewCommandTest.Run run = ReviewCommandTest.run("audit", STATE, "--now", NOW);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("audit: 9 Argo-managed ReplicaSets in 3 namespaces: 3 fail, 1 warn, 0 error, 8 pass, "
                + "6 skip\n"
                + "  payments/ledger-58d7c6b4f: would repair: scale-down-deadline \"2024-08-01 15:13:36\" is not RFC 3339 "
                + "(2 replicas): write a fresh deadline\n"
                + "  payments/ledger-6f4b8d9c7: would scale down: scale-down-deadline 2024-08-01T15:13:36Z plus 30s grace has "
                + "passed (2 replicas)\n"
                + "  search/api-5b4a39c8d7: skip (owned_by_another_rollout): someone else's: its controller ownerReference has "
                + "another uid than the Rollout of that name (ownerReference uid 0b6c1d6e-dead-4a4b-9c1d-590480089710, Rollout "
                + "api has uid 9a1f3b7c-0000-4d2e-8f6a-590480089710)\n"
                + "  search/api-8d7c6b5a4: wait: due at 2099-01-01T00:00:30Z\n"
                + "  shop/checkout-5c7e6a8b3f: would repair: scale-down-deadline is blank (3 replicas): write a fresh deadline\n"
                + "  shop/checkout-6d8f7b9c4d: skip (referenced_by_rollout): still referenced by its Rollout (stable,current)\n");
        JsonNode list = Json.MAPPER.readTree(run.out());
        assertThat(list.get("kind").asText()).isEqualTo("List");
        assertThat(list.get("items")).extracting(r -> r.at("/metadata/namespace").asText())
                .containsExactly("payments", "search", "shop");
        assertThat(results(list)).containsExactly(
                "payments/ledger-58d7c6b4f deadline-well-formed=fail",
                "payments/ledger-58d7c6b4f deadline-honoured=skip",
                "payments/ledger-6f4b8d9c7 deadline-well-formed=pass",
                "payments/ledger-6f4b8d9c7 deadline-honoured=fail",
                "payments/ledger-7c9d5f8b6 deadline-well-formed=pass",
                "payments/ledger-7c9d5f8b6 deadline-honoured=skip",
                "search/api-5b4a39c8d7 deadline-well-formed=pass",
                "search/api-5b4a39c8d7 deadline-honoured=warn",
                "search/api-8d7c6b5a4 deadline-well-formed=pass",
                "search/api-8d7c6b5a4 deadline-honoured=pass",
                "search/api-9e8d7c6b5 deadline-well-formed=pass",
                "search/api-9e8d7c6b5 deadline-honoured=skip",
                "shop/checkout-4b6d59a72e deadline-well-formed=pass",
                "shop/checkout-4b6d59a72e deadline-honoured=skip",
                "shop/checkout-5c7e6a8b3f deadline-well-formed=fail",
                "shop/checkout-5c7e6a8b3f deadline-honoured=skip",
                "shop/checkout-6d8f7b9c4d deadline-well-formed=pass",
                "shop/checkout-6d8f7b9c4d deadline-honoured=skip");
        for (JsonNode report : list.get("items")) {
            int fails = 0;
            for (JsonNode r : report.get("results")) {
                fails += r.get("result").asText().equals("fail") ? 1 : 0;
            }
            assertThat(report.at("/summary/fail").asInt()).isEqualTo(fails);
        }
        assertThat(ReviewCommandTest.run("audit", STATE, "--now", NOW).out()).as("deterministic").isEqualTo(run.out());
    }

    @Test
    void failOnDecidesTheExitCode() {
        assertThat(ReviewCommandTest.run("audit", STATE, "--now", NOW, "--fail-on", "none").exitCode()).isZero();
        assertThat(ReviewCommandTest.run("audit", STATE, "--now", NOW, "--fail-on", "warn").exitCode()).isEqualTo(3);
        assertThat(ReviewCommandTest.run("audit", STATE, "--now", "2024-07-01T00:00:00Z").exitCode())
                .as("before the deadlines only the malformed values fail").isEqualTo(3);
    }

    @Test
    void yamlInAndOutAndOpenReports() throws Exception {
        JsonNode state = Json.MAPPER.readTree(Files.readAllBytes(Path.of(STATE)));
        Path yaml = dir.resolve("state.yaml");
        Files.writeString(yaml, new YAMLMapper().writeValueAsString(state));
        ReviewCommandTest.Run run = ReviewCommandTest.run("audit", yaml.toString(), "--now", NOW, "-o", "yaml", "--format", "openreports");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).startsWith("apiVersion: v1\nkind: List\nitems:\n- apiVersion: openreports.io/v1alpha1\n  kind: Report\n");
        JsonNode parsed = new YAMLMapper().readTree(run.out());
        assertThat(results(parsed)).hasSize(18);
        assertThat(parsed.at("/items/0/results/0/properties/replicas").isTextual()).as("a string, as the CRD wants").isTrue();
        for (JsonNode report : parsed.get("items")) {
            assertThat(dev.deadlineguard.report.CrdSchemas.violations(
                    dev.deadlineguard.report.CrdSchemas.OPENREPORTS_REPORT_V1ALPHA1, report)).isEmpty();
        }
        assertThat(parsed.at("/items/0/source").asText()).isEqualTo("deadline-guard");
    }

    @Test
    void aBareArrayOfReplicaSetsIsEnough() throws Exception {
        JsonNode state = Json.MAPPER.readTree(Files.readAllBytes(Path.of(STATE)));
        var array = Json.MAPPER.createArrayNode();
        state.get("items").forEach(i -> {
            if (i.get("kind").asText().equals("ReplicaSet")) {
                array.add(i);
            }
        });
        Path file = dir.resolve("rs.json");
        Files.write(file, Json.MAPPER.writeValueAsBytes(array));
        ReviewCommandTest.Run run = ReviewCommandTest.run("audit", file.toString(), "--now", NOW);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(results(Json.MAPPER.readTree(run.out()))).hasSize(18);
        assertThat(run.err()).as("without Rollouts no ReplicaSet is anyone's to scale down")
                .contains("  payments/ledger-6f4b8d9c7: skip (rollout_missing): its Rollout does not exist (Rollout ledger)\n")
                .doesNotContain("would scale down");
    }

    @Test
    void unreadableInputAndObjectsThatCannotBeJudgedAreClearErrors() throws Exception {
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"kind\":");
        ReviewCommandTest.Run bad = ReviewCommandTest.run("audit", garbage.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).isEqualTo("error: input is neither JSON nor YAML: at line 1, column 9: the input ends early (truncated?)\n");

        Path single = dir.resolve("single.json");
        Files.writeString(single, "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"x\"}}");
        assertThat(ReviewCommandTest.run("audit", single.toString()).err())
                .isEqualTo("error: input is a single ReplicaSet, not a List; run kubectl get rs,rollouts -A -o json\n");

        Path nameless = dir.resolve("nameless.json");
        Files.writeString(nameless, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
                + "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"namespace\":\"shop\"}},"
                + "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"s\"}}]}");
        ReviewCommandTest.Run partial = ReviewCommandTest.run("audit", nameless.toString());
        assertThat(partial.exitCode()).isEqualTo(1);
        assertThat(partial.err()).isEqualTo("error: item 0 (ReplicaSet shop/) cannot be judged: metadata.name is missing\n"
                + "audit: 0 Argo-managed ReplicaSets in 0 namespaces: 0 fail, 0 warn, 0 error, 0 pass, 0 skip "
                + "(1 objects of other kinds left out)\n");

        assertThat(ReviewCommandTest.run("audit", dir.resolve("missing.json").toString()).err())
                .isEqualTo("error: no such file: " + dir.resolve("missing.json") + "\n");
    }
}
