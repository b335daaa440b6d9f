package dev.deadlineguard.report;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Without the CRD (the API server answers 404 for the resource) the writer says so once and stops trying. */
@EnableKubernetesMockClient
class MissingCrdTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aMissingCrdIsNotedOnceAndNotRetried() {
        ReportWriter writer = new ReportWriter(client, List.of(ReportFormat.WGPOLICY), Duration.ofSeconds(30),
                List.of("scale-down-deadline"), 1000, new PrometheusRegistry());
        writer.decided(ReportWriterTest.rs("a", "", 3), ReportWriterTest.WAIT, ReportWriterTest.T0);
        writer.flush();
        int afterFirst = server.getRequestCount();
        assertThat(afterFirst).isEqualTo(2);  // GET (404) and POST (404)

        writer.decided(ReportWriterTest.rs("b", "", 3), ReportWriterTest.WAIT, ReportWriterTest.T0);
        writer.flush();
        assertThat(server.getRequestCount()).isEqualTo(afterFirst);
    }
}
