package dev.deadlineguard.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import dev.deadlineguard.sweep.RolloutResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class SweepCommandTest {

    KubernetesMockServer server;
    KubernetesClient client;
    @TempDir
    Path dir;

    @AfterEach
    void clearKubeconfig() {
        System.clearProperty("kubeconfig");
    }

    void useKubeconfig(String url) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: me
                  user:
                    token: test
                contexts:
                - name: mock
                  context: {cluster: mock, user: me, namespace: default}
                current-context: mock
                """.formatted(url));
        System.setProperty("kubeconfig", file.toString());
    }

    ReplicaSet rs(String hash, int revision, String deadline) {
        ReplicaSetBuilder b = new ReplicaSetBuilder().withNewMetadata().withNamespace("shop").withName("checkout-" + hash)
                .withLabels(Map.of("rollouts-pod-template-hash", hash))
                .withAnnotations(deadline == null ? Map.of("rollout.argoproj.io/revision", "" + revision)
                        : Map.of("rollout.argoproj.io/revision", "" + revision, "scale-down-deadline", deadline))
                .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName("checkout")
                .withUid("u").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(3).endSpec();
        return b.build();
    }

    @Test
    void oncePassReportsActsAndSaysByExitCodeWhetherAnythingWasDue() throws Exception {
        var rollout = new GenericKubernetesResourceBuilder().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                .withNewMetadata().withNamespace("shop").withName("checkout").endMetadata().build();
        rollout.setAdditionalProperty("spec", Map.of("replicas", 3));
        rollout.setAdditionalProperty("status", Map.of("stableRS", "new", "currentPodHash", "new", "observedGeneration", "1"));
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace("shop").resource(rollout).create();
        client.apps().replicaSets().inNamespace("shop").resource(rs("old", 1, "2020-01-01T00:00:00Z")).create();
        client.apps().replicaSets().inNamespace("shop").resource(rs("new", 2, null)).create();
        useKubeconfig(client.getMasterUrl().toString());

        ReviewCommandTest.Run dry = ReviewCommandTest.run("sweep", "--once", "--dry-run");
        assertThat(dry.exitCode()).isEqualTo(3);
        assertThat(dry.out()).isEqualTo("sweep: 2 Argo-managed ReplicaSets, mode enforce (dry run)\n"
                + "  would scale down: shop/checkout-old\n");
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isEqualTo(3);

        ReviewCommandTest.Run report = ReviewCommandTest.run("sweep", "--once", "--sweep-mode", "report");
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.out()).isEqualTo("sweep: 2 Argo-managed ReplicaSets, mode report\n  reported overdue: shop/checkout-old\n");

        ReviewCommandTest.Run real = ReviewCommandTest.run("sweep", "--once");
        assertThat(real.exitCode()).isEqualTo(3);
        assertThat(real.out()).isEqualTo("sweep: 2 Argo-managed ReplicaSets, mode enforce\n  scale down: shop/checkout-old\n");
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isZero();

        ReviewCommandTest.Run again = ReviewCommandTest.run("sweep", "--once");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEqualTo("sweep: 2 Argo-managed ReplicaSets, mode enforce\n");
    }

    @Test
    void anUnreachableClusterIsAClearError() throws Exception {
        useKubeconfig("https://127.0.0.1:1");
        ReviewCommandTest.Run run = ReviewCommandTest.run("sweep", "--once");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: the API server at https://127.0.0.1:1/ (from kubeconfig " + dir.resolve("kubeconfig")
                + ") is not reachable: ");
    }

    @Test
    void withoutOnceItSaysWhereTheSweeperRuns() {
        ReviewCommandTest.Run run = ReviewCommandTest.run("sweep");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: missing required option: '--once'\nsee 'deadline-guard sweep --help'\n");
    }
}
