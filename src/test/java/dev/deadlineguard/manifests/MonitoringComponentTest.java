package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** manifests/components/monitoring on top of the self-managed variant: what the Prometheus Operator needs. */
class MonitoringComponentTest {

    static final Path COMPONENT = Kustomize.COMPONENTS.resolve("monitoring");
    static final Path CHART_FILES = Path.of("charts/deadline-guard/files");

    private static final Rendered rendered = Overlays.render(Kustomize.SELF_MANAGED, COMPONENT);

    @Test
    void prometheusRuleCarriesExactlyTheRulesOfTheChart() throws Exception {
        Map<String, Object> rule = rendered.monitoring("PrometheusRule");
        JsonNode groups = Rendered.YAML.valueToTree(Maps.at(rule, "spec"));
        JsonNode expected = Rendered.YAML.readTree(CHART_FILES.resolve("prometheus-rules.yaml").toFile());
        assertThat(groups).isEqualTo(expected);
        assertThat(Maps.at(rule, "metadata", "namespace")).isEqualTo("deadline-guard");
    }

    @Test
    void dashboardConfigMapIsTheChartsDashboardForGrafanasSidecar() throws Exception {
        ConfigMap dashboard = rendered.one(ConfigMap.class);
        assertThat(dashboard.getMetadata().getName()).isEqualTo("deadline-guard-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(dashboard.getData().get("deadline-guard.json")))
                .isEqualTo(json.readTree(Files.readString(CHART_FILES.resolve("grafana-dashboard.json"))));
    }

    @Test
    void serviceMonitorScrapesTheServicesHttpsPortAndVerifiesTheServingCertificate() {
        Map<String, Object> monitor = rendered.monitoring("ServiceMonitor");
        Service service = rendered.one(Service.class);
        @SuppressWarnings("unchecked")
        Map<String, String> selector = (Map<String, String>) Maps.at(monitor, "spec", "selector", "matchLabels");
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(Maps.at(monitor, "spec", "namespaceSelector", "matchNames"))
                .isEqualTo(List.of(service.getMetadata().getNamespace()));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) Maps.at(monitor, "spec", "endpoints");
        assertThat(endpoints).hasSize(1);
        Map<String, Object> endpoint = endpoints.get(0);
        assertThat(endpoint).containsEntry("port", "https").containsEntry("scheme", "https").containsEntry("path", "/metrics");
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName()).contains("https");
        assertThat(Maps.at(endpoint, "tlsConfig", "serverName")).isEqualTo("deadline-guard.deadline-guard.svc");
        String secret = rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).findFirst().orElseThrow().getSecret().getSecretName();
        assertThat(Maps.at(endpoint, "tlsConfig", "ca", "secret")).isEqualTo(Map.of("name", secret, "key", "ca.crt"));
    }

    @Test
    void everyAddedObjectCarriesTheCommonLabels() {
        List<Map<String, Object>> added = List.of(rendered.monitoring("ServiceMonitor"), rendered.monitoring("PrometheusRule"));
        for (Map<String, Object> object : added) {
            assertThat(Maps.at(object, "metadata", "labels")).isEqualTo(Map.of("app.kubernetes.io/name", "deadline-guard",
                    "app.kubernetes.io/part-of", "deadline-guard", "app.kubernetes.io/managed-by", "kustomize"));
        }
        assertThat(rendered.one(ConfigMap.class).getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "kustomize");
    }
}
