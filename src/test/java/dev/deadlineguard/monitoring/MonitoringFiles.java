package dev.deadlineguard.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The alert rules, the dashboard and their copies, and the PromQL expressions in them. */
final class MonitoringFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    static final Path CHART = Path.of("charts/deadline-guard");
    /** The one copy of the alert rules (a Prometheus rule file). */
    static final Path RULES = CHART.resolve("files/prometheus-rules.yaml");
    static final Path DASHBOARD = CHART.resolve("files/grafana-dashboard.json");
    static final Path COMPONENT = Path.of("manifests/components/monitoring");
    static final Path PROMTOOL_TESTS = Path.of("src/test/resources/monitoring/alerts.test.yaml");
    static final Path README = Path.of("README.md");

    private MonitoringFiles() {
    }

    static JsonNode rules() {
        return read(YAML, RULES);
    }

    static JsonNode dashboard() {
        return read(JSON, DASHBOARD);
    }

    static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every alerting rule, in file order. */
    static List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    /** Every PromQL expression of the rules. */
    static List<String> ruleExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        return exprs;
    }

    /** Every query of every dashboard panel. */
    static List<String> dashboardExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        return exprs;
    }
}
