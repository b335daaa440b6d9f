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
        dev.deadlineguard.testing.Kubeconfigs.clear();
    }

    void useKubeconfig(String url) throws Exception {
        dev.deadlineguard.testing.Kubeconfigs.use(dir, url, "default", "mock");
    }

    ReplicaSet rs(String hash, int revision, String deadline, String rolloutUid) {
        ReplicaSetBuilder b = new ReplicaSetBuilder().withNewMetadata().withNamespace("shop").withName("checkout-" + hash)
                .withLabels(Map.of("rollouts-pod-template-hash", hash))
                .withAnnotations(deadline == null ? Map.of("rollout.argoproj.io/revision", "" + revision)
                        : Map.of("rollout.argoproj.io/revision", "" + revision, "scale-down-deadline", deadline))
                .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName("checkout")
                .withUid(rolloutUid).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(3).endSpec();
        return b.build();
    }

    @Test
    void oncePassReportsActsAndSaysByExitCodeWhetherAnythingWasDue() throws Exception {
        var rollout = new GenericKubernetesResourceBuilder().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                .withNewMetadata().withNamespace("shop").withName("checkout").endMetadata().build();
        rollout.setAdditionalProperty("spec", Map.of("replicas", 3));
        rollout.setAdditionalProperty("status", Map.of("stableRS", "new", "currentPodHash", "new", "observedGeneration", "1"));
        String uid = client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace("shop").resource(rollout).create()
                .getMetadata().getUid();
        client.apps().replicaSets().inNamespace("shop").resource(rs("old", 1, "2020-01-01T00:00:00Z", uid)).create();
        client.apps().replicaSets().inNamespace("shop").resource(rs("new", 2, null, uid)).create();
        // left over from a deleted Rollout of the same name: someone else's, never touched, and the plan says why
        client.apps().replicaSets().inNamespace("shop").resource(rs("leftover", 1, "2020-01-01T00:00:00Z", "deleted-uid")).create();
        useKubeconfig(client.getMasterUrl().toString());
        String leftover = "  shop/checkout-leftover: skip (owned_by_another_rollout): someone else's: its controller "
                + "ownerReference has another uid than the Rollout of that name (ownerReference uid deleted-uid, Rollout "
                + "checkout has uid " + uid + ")\n";

        ReviewCommandTest.Run dry = ReviewCommandTest.run("sweep", "--once", "--dry-run");
        assertThat(dry.exitCode()).isEqualTo(3);
        assertThat(dry.out()).isEqualTo("sweep: 3 Argo-managed ReplicaSets, mode enforce (dry run)\n"
                + leftover
                + "  shop/checkout-old: would scale down: scale-down-deadline 2020-01-01T00:00:00Z plus 30s grace has passed "
                + "(3 replicas)\n");
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isEqualTo(3);

        ReviewCommandTest.Run report = ReviewCommandTest.run("sweep", "--once", "--sweep-mode", "report");
        assertThat(report.exitCode()).isEqualTo(3);
        assertThat(report.out()).isEqualTo("sweep: 3 Argo-managed ReplicaSets, mode report\n" + leftover
                + "  shop/checkout-old: report overdue: scale-down-deadline 2020-01-01T00:00:00Z plus 30s grace has passed "
                + "(3 replicas); the sweep mode does not scale down\n");

        ReviewCommandTest.Run real = ReviewCommandTest.run("sweep", "--once");
        assertThat(real.exitCode()).isEqualTo(3);
        assertThat(real.out()).isEqualTo("sweep: 3 Argo-managed ReplicaSets, mode enforce\n" + leftover
                + "  shop/checkout-old: scale down: scale-down-deadline 2020-01-01T00:00:00Z plus 30s grace has passed "
                + "(3 replicas)\n");
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isZero();

        ReviewCommandTest.Run again = ReviewCommandTest.run("sweep", "--once");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEqualTo("sweep: 3 Argo-managed ReplicaSets, mode enforce\n" + leftover);
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-leftover").get().getSpec().getReplicas())
                .isEqualTo(3);
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
