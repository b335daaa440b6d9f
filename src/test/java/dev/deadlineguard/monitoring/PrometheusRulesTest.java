package dev.deadlineguard.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test rules}). */
class PrometheusRulesTest {

    static final String RUNBOOK_PREFIX = "https://github.com/deadline-guard/deadline-guard/blob/main/README.md#";

    @Test
    void promtoolChecksTheRules(@TempDir Path dir) throws Exception {
        Files.copy(MonitoringFiles.RULES, dir.resolve("prometheus-rules.yaml"));
        Promtool.Result result = Promtool.run(dir, "check", "rules", "prometheus-rules.yaml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + MonitoringFiles.ruleExpressions().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsPass(@TempDir Path dir) throws Exception {
        Files.copy(MonitoringFiles.RULES, dir.resolve("prometheus-rules.yaml"));
        MonitoringFiles.YAML.writeValue(dir.resolve("alerts.test.yaml").toFile(), withAnnotations(promtoolTests()));
        Promtool.Result result = Promtool.run(dir, "test", "rules", "alerts.test.yaml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertHasAFiringAndAQuietCase() {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : promtoolTests().path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
            }
        }
        List<String> names = MonitoringFiles.alerts().stream().map(a -> a.path("alert").asText()).toList();
        assertThat(names).hasSize(12).doesNotHaveDuplicates();
        assertThat(firing).containsExactlyInAnyOrderElementsOf(names);
        assertThat(quiet).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndARunbook() {
        for (JsonNode alert : MonitoringFiles.alerts()) {
            String name = alert.path("alert").asText();
            assertThat(alert.path("for").asText()).as(name).matches("\\d+[mh]");
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            JsonNode annotations = alert.path("annotations");
            assertThat(annotations.path("summary").asText()).as(name).isNotBlank().endsWith(".");
            String description = annotations.path("description").asText();
            String runbook = annotations.path("runbook_url").asText();
            assertThat(runbook).as(name).startsWith(RUNBOOK_PREFIX);
            assertThat(description).as(name + " names its runbook section").contains("in the README.");
        }
    }

    @Test
    void everyRunbookLinkPointsAtAReadmeHeadingNamedInTheDescription() throws Exception {
        Map<String, String> anchors = readmeAnchors(Files.readString(MonitoringFiles.README));
        for (JsonNode alert : MonitoringFiles.alerts()) {
            String anchor = alert.path("annotations").path("runbook_url").asText().substring(RUNBOOK_PREFIX.length());
            assertThat(anchors).as(alert.path("alert").asText() + " links #" + anchor).containsKey(anchor);
            String heading = anchors.get(anchor);
            assertThat(alert.path("annotations").path("description").asText().replaceAll("\\s+", " "))
                    .contains("See \"" + heading + "\" in the README.");
        }
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
    static Map<String, String> readmeAnchors(String readme) {
        Map<String, String> anchors = new HashMap<>();
        boolean inCode = false;
        Matcher m = Pattern.compile("^(#{1,6}) (.+)$").matcher("");
        for (String line : readme.split("\n")) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            }
            if (!inCode && m.reset(line).matches()) {
                String heading = m.group(2).strip();
                String anchor = heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
                anchors.put(anchor, heading);
            }
        }
        return anchors;
    }

    static JsonNode promtoolTests() {
        return MonitoringFiles.read(MonitoringFiles.YAML, MonitoringFiles.PROMTOOL_TESTS);
    }

    /** The tests with each expected alert's annotations filled in from the rules (they are static text). */
    static JsonNode withAnnotations(JsonNode tests) {
        Map<String, JsonNode> annotations = new HashMap<>();
        MonitoringFiles.alerts().forEach(a -> annotations.put(a.path("alert").asText(), a.path("annotations")));
        JsonNode copy = tests.deepCopy();
        for (JsonNode test : copy.path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                JsonNode expected = annotations.get(check.path("alertname").asText());
                assertThat(expected).as("alert " + check.path("alertname").asText() + " exists").isNotNull();
                for (JsonNode alert : check.path("exp_alerts")) {
                    ((ObjectNode) alert).set("exp_annotations", expected);
                }
            }
        }
        return copy;
    }
}
