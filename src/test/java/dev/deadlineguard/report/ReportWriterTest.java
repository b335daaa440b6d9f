package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.TestReplicaSets;
import dev.deadlineguard.sweep.SweepDecision;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
public class ReportWriterTest {

    static final Instant T0 = Instant.parse("2024-08-01T16:00:00Z");

    KubernetesMockServer server;
    KubernetesClient client;
    final PrometheusRegistry registry = new PrometheusRegistry();

    final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();

    ReportWriter writer(List<ReportFormat> formats) {
        return writer(client, formats);
    }

    ReportWriter writer(KubernetesClient on, List<ReportFormat> formats) {
        return new ReportWriter(on, formats, Duration.ofSeconds(30), List.of("scale-down-deadline"), 1000, registry, nanos::get);
    }

    @org.junit.jupiter.api.BeforeEach
    void installCrds() {
        install(client, ReportFormat.WGPOLICY);
        install(client, ReportFormat.OPENREPORTS);
    }

    /** Installs a report CRD, as discovery then lists it (the CRUD mock server does what an API server does). */
    public static void install(KubernetesClient on, ReportFormat format) {
        var context = ReportResources.of(format);
        on.apiextensions().v1().customResourceDefinitions().resource(
                new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                        .withNewMetadata().withName(context.getPlural() + "." + context.getGroup()).endMetadata()
                        .withNewSpec().withGroup(context.getGroup()).withScope("Namespaced")
                        .withNewNames().withKind(context.getKind()).withPlural(context.getPlural()).endNames()
                        .addNewVersion().withName(context.getVersion()).withServed(true).withStorage(true).endVersion()
                        .endSpec().build()).create();
    }

    static ArgoReplicaSet rs(String namespace, String name, String deadline) {
        return TestReplicaSets.replicaSet(namespace, name, name, Map.of("scale-down-deadline", deadline), 3, 1,
                TestReplicaSets.rollout("checkout"), false);
    }

    static ArgoReplicaSet rs(String name, String deadline, int replicas) {
        return TestReplicaSets.replicaSet("shop", name, name, deadline == null ? Map.of()
                : Map.of("scale-down-deadline", deadline), replicas, 1, TestReplicaSets.rollout("checkout"), false);
    }

    GenericKubernetesResource report(ReportFormat format) {
        return client.genericKubernetesResources(ReportResources.of(format)).inNamespace("shop").withName("deadline-guard").get();
    }

    String metrics() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString();
    }

    static final SweepDecision WAIT = new SweepDecision.Wait(T0);

    @Test
    void createsThenUpdatesOnlyWhenTheContentChangesThenDeletes() throws Exception {
        ReportWriter writer = writer(List.of(ReportFormat.WGPOLICY, ReportFormat.OPENREPORTS));
        writer.decided(rs("checkout-old", "2024-08-01T16:10:00Z", 3), WAIT, T0);
        writer.decided(rs("checkout-new", null, 3), WAIT, T0);
        writer.flush();

        GenericKubernetesResource created = report(ReportFormat.WGPOLICY);
        assertThat(created).isNotNull();
        assertThat(created.get("summary").toString()).isEqualTo("{pass=3, fail=0, warn=0, error=0, skip=1}");
        assertThat(report(ReportFormat.OPENREPORTS)).isNotNull();
        String version = created.getMetadata().getResourceVersion();

        // Re-deciding later with the same outcome changes nothing: the timestamps are kept, nothing is written.
        writer.decided(rs("checkout-old", "2024-08-01T16:10:00Z", 3), WAIT, T0.plusSeconds(60));
        writer.flush();
        assertThat(report(ReportFormat.WGPOLICY).getMetadata().getResourceVersion()).isEqualTo(version);

        // The deadline passes: the result changes, the report is updated.
        writer.decided(rs("checkout-old", "2024-08-01T16:10:00Z", 3), WAIT, T0.plusSeconds(700));
        writer.flush();
        GenericKubernetesResource updated = report(ReportFormat.WGPOLICY);
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(version);
        assertThat(updated.get("summary").toString()).isEqualTo("{pass=2, fail=1, warn=0, error=0, skip=1}");

        // A flush with nothing dirty writes nothing; a resync of the same state neither.
        String updatedVersion = updated.getMetadata().getResourceVersion();
        writer.flush();
        writer.decided(rs("checkout-old", "2024-08-01T16:10:00Z", 3), WAIT, T0.plusSeconds(800));
        writer.flush();
        assertThat(report(ReportFormat.WGPOLICY).getMetadata().getResourceVersion()).isEqualTo(updatedVersion);

        writer.removed("shop", "checkout-old");
        writer.removed("shop", "checkout-new");
        writer.flush();
        assertThat(report(ReportFormat.WGPOLICY)).isNull();
        assertThat(report(ReportFormat.OPENREPORTS)).isNull();
        assertThat(metrics())
                .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"created\"} 1.0")
                .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"updated\"} 1.0")
                .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"deleted\"} 1.0")
                // exported from start, and nothing failed
                .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"failed\"} 0.0")
                .contains("deadline_guard_report_writes_total{kind=\"Report\",result=\"failed\"} 0.0");
    }

    @Test
    void anExternallyChangedReportIsPutBack() {
        ReportWriter writer = writer(List.of(ReportFormat.WGPOLICY));
        writer.decided(rs("checkout-old", "", 3), WAIT, T0);
        writer.flush();
        GenericKubernetesResource tampered = report(ReportFormat.WGPOLICY);
        tampered.setAdditionalProperty("summary", Map.of("pass", 0, "fail", 0, "warn", 0, "error", 0, "skip", 0));
        client.genericKubernetesResources(ReportResources.of(ReportFormat.WGPOLICY)).inNamespace("shop").resource(tampered).update();

        writer.decided(rs("checkout-old", "", 3), WAIT, T0.plusSeconds(1));  // same content: not dirty
        writer.decided(rs("checkout-other", null, 3), WAIT, T0.plusSeconds(1));  // dirty
        writer.flush();
        assertThat(report(ReportFormat.WGPOLICY).get("summary").toString()).isEqualTo("{pass=1, fail=1, warn=0, error=0, skip=2}");
    }

    @Test
    void aCrdInstalledAfterStartGetsReportsAtTheNextCheck() throws Exception {
        try (dev.deadlineguard.testing.ApiServer api = dev.deadlineguard.testing.ApiServer.onFreePort().start();
             KubernetesClient fresh = api.client()) {
            ReportWriter writer = writer(fresh, List.of(ReportFormat.WGPOLICY));
            writer.decided(rs("shop", "checkout-old", ""), WAIT, T0);
            writer.flush();
            assertThat(fresh.genericKubernetesResources(ReportResources.of(ReportFormat.WGPOLICY)).inNamespace("shop")
                    .withName("deadline-guard").get()).isNull();

            install(fresh, ReportFormat.WGPOLICY);
            nanos.addAndGet(ReportWriter.CRD_RECHECK.toNanos() - 1);
            writer.flush();
            assertThat(fresh.genericKubernetesResources(ReportResources.of(ReportFormat.WGPOLICY)).inNamespace("shop")
                    .withName("deadline-guard").get()).as("not checked again yet").isNull();

            nanos.addAndGet(1);
            writer.flush();  // nothing changed in the state: the newly found CRD alone makes every namespace due
            GenericKubernetesResource report = fresh.genericKubernetesResources(ReportResources.of(ReportFormat.WGPOLICY))
                    .inNamespace("shop").withName("deadline-guard").get();
            assertThat(report.get("summary").toString()).isEqualTo("{pass=0, fail=1, warn=0, error=0, skip=1}");
            assertThat(metrics()).contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"created\"} 1.0")
                    .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"failed\"} 0.0");
        }
    }

    @Test
    void aNamespaceThatRefusesWritesIsRetriedAloneWithBackoff() throws Exception {
        try (dev.deadlineguard.testing.ApiServer api = dev.deadlineguard.testing.ApiServer.onFreePort().start();
             KubernetesClient fresh = api.client()) {
            install(fresh, ReportFormat.WGPOLICY);
            api.fault(new dev.deadlineguard.testing.ApiServer.Fault(r -> r.getMethod().equals("POST")
                    && r.getPath().startsWith("/apis/wgpolicyk8s.io/v1alpha2/namespaces/leaving/"), 403,
                    "unable to create new content in namespace leaving because it is being terminated"));
            ReportWriter writer = writer(fresh, List.of(ReportFormat.WGPOLICY));
            writer.decided(rs("leaving", "checkout-old", ""), WAIT, T0);
            writer.decided(rs("shop", "checkout-old", ""), WAIT, T0);
            writer.flush();
            var reports = fresh.genericKubernetesResources(ReportResources.of(ReportFormat.WGPOLICY));
            assertThat(reports.inNamespace("shop").withName("deadline-guard").get()).as("the other namespace").isNotNull();
            assertThat(reports.inNamespace("leaving").withName("deadline-guard").get()).isNull();
            assertThat(metrics()).contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"failed\"} 1.0");

            writer.decided(rs("shop", "checkout-new", ""), WAIT, T0);
            writer.flush();  // within the backoff: the refusing namespace is not tried again, the other one is written
            assertThat(metrics()).contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"failed\"} 1.0")
                    .contains("deadline_guard_report_writes_total{kind=\"PolicyReport\",result=\"updated\"} 1.0");

            api.clearFaults();
            nanos.addAndGet(ReportWriter.NAMESPACE_BACKOFF.longest().toNanos());
            writer.flush();
            assertThat(reports.inNamespace("leaving").withName("deadline-guard").get()).as("retried after the backoff")
                    .isNotNull();
        }
    }
}
