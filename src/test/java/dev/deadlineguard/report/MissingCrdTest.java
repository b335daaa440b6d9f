package dev.deadlineguard.report;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without the CRD (discovery does not list the kind) the writer writes nothing and asks discovery
 * again only every {@link ReportWriter#CRD_RECHECK}: no request per flush, no request per namespace.
 */
@EnableKubernetesMockClient
class MissingCrdTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aMissingCrdCostsOneDiscoveryRequestPerRecheckAndNoWrites() throws Exception {
        AtomicLong nanos = new AtomicLong();
        ReportWriter writer = new ReportWriter(client, List.of(ReportFormat.WGPOLICY), Duration.ofSeconds(30),
                List.of("scale-down-deadline"), 1000, new PrometheusRegistry(), nanos::get);
        writer.decided(ReportWriterTest.rs("a", "", 3), ReportWriterTest.WAIT, ReportWriterTest.T0);
        writer.flush();
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/wgpolicyk8s.io/v1alpha2");

        writer.decided(ReportWriterTest.rs("b", "", 3), ReportWriterTest.WAIT, ReportWriterTest.T0);
        nanos.addAndGet(ReportWriter.CRD_RECHECK.toNanos() - 1);
        writer.flush();
        assertThat(server.getRequestCount()).as("nothing until the next check").isEqualTo(1);

        nanos.addAndGet(1);
        writer.flush();
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/wgpolicyk8s.io/v1alpha2");
    }
}
