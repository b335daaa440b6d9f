package dev.deadlineguard.sweep;

import dev.deadlineguard.manifests.Permissions;
import dev.deadlineguard.manifests.Permissions.Permission;
import dev.deadlineguard.manifests.Permissions.Scope;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.report.ReportFormat;
import dev.deadlineguard.report.ReportWriter;
import dev.deadlineguard.testing.Eventually;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.deadlineguard.sweep.ArgoObjects.KEY;
import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records every request the sweeper makes against the mock API server while it scales down, repairs,
 * writes and deletes policy reports, re-reads and holds the lease, and checks each one against the RBAC the
 * manifests grant: the code uses nothing it is not granted, and the grant holds nothing it does not use.
 */
@EnableKubernetesMockClient(crud = true)
class ApiCallsMatchRbacTest {

    static final String OBSERVER = "X-Test-Observer";
    static final Pattern PATH = Pattern.compile(
            "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<ns>[^/?]+))?/(?<resource>[a-z]+)(?:/(?<name>[^/?]+))?(?:\\?(?<query>.*))?$");

    /** Discovery and version paths: non-resource URLs that every authenticated client may read. */
    static final Pattern DISCOVERY = Pattern.compile("^/(version|api|apis|api/v1|apis/[^/]+|apis/[^/]+/[^/?]+)$");

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyApiCallIsGrantedAndEveryGrantIsUsed() throws Exception {
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS)
                .resource(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary())).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("new", 4, 3, null))).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("blank", 1, 3, ""))).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("old", 2, 3, "2020-01-01T00:00:00Z"))).create();
        dev.deadlineguard.report.ReportWriterTest.install(client, ReportFormat.WGPOLICY);
        dev.deadlineguard.report.ReportWriterTest.install(client, ReportFormat.OPENREPORTS);
        int setupRequests = server.getRequestCount();
        for (int i = 0; i < setupRequests; i++) {
            server.takeRequest();
        }

        // The test's own reads and writes carry a header, so that only the code's requests are judged.
        KubernetesClient observer = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                        .withCustomHeaders(Map.of(OBSERVER, "yes")).build()).build();
        observerClient = observer;
        KubernetesClient own = server.createClient();
        MetricsRegistry metrics = new MetricsRegistry(false);
        SweepConfig config = new SweepConfig(List.of(KEY), SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(),
                Duration.ofSeconds(30));
        KubernetesActions real = new KubernetesActions(own, Clock.systemUTC(), "test");
        ReportWriter reports = new ReportWriter(own, List.of(ReportFormat.WGPOLICY, ReportFormat.OPENREPORTS),
                Duration.ofSeconds(30), List.of(KEY), 1000, metrics.registry());
        Sweeper sweeper = new Sweeper(own, config, real, Clock.systemUTC(), metrics.sweep(), reports);
        SweeperLeadership leadership = new SweeperLeadership(own, sweeper, metrics.sweep(), "deadline-guard",
                "deadline-guard-sweeper", "test", new SweeperLeadership.Timings(Duration.ofSeconds(2), Duration.ofMillis(1500),
                Duration.ofMillis(200)));
        try {
            sweeper.startInformers(Duration.ZERO);
            leadership.start();
            Eventually.until("scaled and repaired", Duration.ofSeconds(20), () ->
                    observer.apps().replicaSets().inNamespace(NS).withName("checkout-old").get().getSpec().getReplicas() == 0
                            && !"".equals(observer.apps().replicaSets().inNamespace(NS).withName("checkout-blank").get()
                            .getMetadata().getAnnotations().get(KEY)));
            Eventually.until("the lease taken", Duration.ofSeconds(20), () -> renewTime() != null);
            String firstRenewal = renewTime();
            Eventually.until("the lease renewed", Duration.ofSeconds(20), () -> !firstRenewal.equals(renewTime()));
            assertThat(real.reread(NS, "checkout-old")).isNotNull();  // the 409 path's re-read
            ReplicaSet old = real.reread(NS, "checkout-old");
            real.event(old, "Warning", "ScaleDownDeadlineOverdue", "the same message twice");
            real.event(old, "Warning", "ScaleDownDeadlineOverdue", "the same message twice");  // aggregated: a patch
            reports.flush();
            Eventually.until("the old ReplicaSet's scale-down seen", Duration.ofSeconds(20), () -> {
                reports.flush();
                return policyReport() != null && policyReport().get("summary").toString().contains("fail=0");
            });
            observer.apps().replicaSets().inNamespace(NS).withName("checkout-blank").delete();
            Eventually.until("the report updated without the deleted ReplicaSet", Duration.ofSeconds(20), () -> {
                reports.flush();
                return policyReport() != null && !policyReport().get("results").toString().contains("checkout-blank");
            });
            observer.apps().replicaSets().inNamespace(NS).delete();
            Eventually.until("the reports deleted with the last ReplicaSet", Duration.ofSeconds(20), () -> {
                reports.flush();
                return policyReport() == null;
            });
        } finally {
            leadership.close();
            sweeper.close();
            own.close();
        }
        List<Permission> judged = new java.util.ArrayList<>();
        Set<String> discovery = new LinkedHashSet<>();

        Set<Permission> used = new LinkedHashSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (request.getHeader(OBSERVER) == null && DISCOVERY.matcher(request.getPath()).matches()) {
                // Discovery needs no grant of ours: the system:discovery ClusterRole allows it to every
                // authenticated client. It must stay a read.
                assertThat(request.getMethod()).as(request.getPath()).isEqualTo("GET");
                discovery.add(request.getPath());
            } else if (request.getHeader(OBSERVER) == null) {
                used.add(permission(request));
                judged.add(permission(request));
            }
        }
        observer.close();
        assertThat(judged).hasSizeGreaterThan(10);
        assertThat(discovery).as("the report CRDs are looked up in discovery")
                .contains("/apis/wgpolicyk8s.io/v1alpha2", "/apis/openreports.io/v1alpha1");
        Set<Permission> granted = Permissions.all();
        assertThat(granted).containsAll(used);
        Set<Permission> unused = new LinkedHashSet<>(granted);
        unused.removeAll(used);
        assertThat(unused).isEmpty();
    }

    KubernetesClient observerClient;

    io.fabric8.kubernetes.api.model.GenericKubernetesResource policyReport() {
        return observerClient.genericKubernetesResources(dev.deadlineguard.report.ReportResources.of(ReportFormat.WGPOLICY))
                .inNamespace(NS).withName("deadline-guard").get();
    }

    String renewTime() {
        var lease = observerClient.leases().inNamespace("deadline-guard").withName("deadline-guard-sweeper").get();
        return lease == null || lease.getSpec().getRenewTime() == null ? null : lease.getSpec().getRenewTime().toString();
    }

    static Permission permission(RecordedRequest request) {
        Matcher m = PATH.matcher(request.getPath());
        assertThat(m.matches()).as("an API resource path: " + request.getPath()).isTrue();
        String group = m.group("group") == null ? "" : m.group("group");
        String query = m.group("query") == null ? "" : m.group("query");
        String verb = switch (request.getMethod()) {
            case "GET" -> m.group("name") != null ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> throw new AssertionError("unexpected method " + request.getMethod());
        };
        Scope scope = "coordination.k8s.io".equals(group) ? Scope.OWN_NAMESPACE : Scope.CLUSTER;
        if (scope == Scope.OWN_NAMESPACE) {
            assertThat(m.group("ns")).isEqualTo("deadline-guard");
        }
        return new Permission(scope, group, m.group("resource"), verb);
    }
}
