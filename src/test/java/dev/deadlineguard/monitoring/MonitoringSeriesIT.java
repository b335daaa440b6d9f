package dev.deadlineguard.monitoring;

import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.Kubeconfigs;
import dev.deadlineguard.testing.ServedJar;
import dev.deadlineguard.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar, started against a (mock) API server and scraped before anything has happened: every series that
 * an alert rule or a dashboard query selects, with its label matchers, is already in {@code /metrics}.
 */
@EnableKubernetesMockClient(crud = true)
class MonitoringSeriesIT {


    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path workDir;
    ServedJar process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    @Test
    void everySeriesOfTheRulesAndTheDashboardExistsInAFreshServer() throws Exception {
        server.expect().get().withPath("/version")
                .andReturn(200, "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0\"}").always();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("deadline-guard").endMetadata().build())
                .create();
        Path kubeconfig = Kubeconfigs.write(workDir, client.getMasterUrl().toString(), "deadline-guard");
        process = ServedJar.start(workDir, List.of(), List.of("--shutdown-delay", "1s", "--lease-namespace", "deadline-guard",
                "--leader-identity", "it"), java.util.Map.of("KUBECONFIG", kubeconfig.toString()));
        int port = process.port();
        Path ca = process.caFile();

        HttpClient http = HttpClient.newBuilder().sslContext(TestCertificates.trusting(ca)).build();
        URI base = URI.create("https://localhost:" + port);
        List<Selectors.Selector> selectors = new ArrayList<>();
        MonitoringFiles.ruleExpressions().forEach(e -> selectors.addAll(Selectors.of(e)));
        MonitoringFiles.dashboardExpressions().forEach(e -> selectors.addAll(Selectors.of(e)));
        assertThat(selectors).hasSizeGreaterThan(20);

        AtomicReference<Set<String>> missing = new AtomicReference<>();
        try {
            Eventually.until("every selected series in /metrics", Duration.ofSeconds(30), () -> {
            List<Selectors.Sample> samples = Selectors.samples(get(http, base.resolve("/metrics")));
            Set<String> absent = new LinkedHashSet<>();
            for (Selectors.Selector s : selectors) {
                if (samples.stream().noneMatch(s::matches)) {
                    absent.add(s.toString());
                }
            }
            missing.set(absent);
            return absent.isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("series selected by rules or dashboard but not in /metrics: " + missing.get()
                    + "; server log: " + process.logText(), e);
        }

        // A 405 is counted like the other rejections.
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(base.resolve("/mutate")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(get(http, base.resolve("/metrics")))
                .contains("deadline_guard_admission_rejected_requests_total{code=\"405\",endpoint=\"mutate\"} 1.0\n")
                .contains("deadline_guard_certificate_reloads_total{result=\"success\"} 0.0\n");
    }

    private static String get(HttpClient http, URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
