package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.sweep.RolloutResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code audit} (on an export and with {@code --cluster}) and {@code sweep --once --dry-run} on the same cluster state,
 * the sample state loaded into the fabric8 mock API server: the same plan, line for line.
 */
@EnableKubernetesMockClient(crud = true)
class AuditClusterTest {

    KubernetesMockServer server;
    KubernetesClient client;
    @TempDir
    Path dir;
    /** The uid the server gave each sample Rollout, by namespace/name. */
    final Map<String, String> rolloutUids = new HashMap<>();

    @BeforeEach
    void loadTheSampleState() throws Exception {
        JsonNode state = Json.MAPPER.readTree(Files.readAllBytes(Path.of(AuditCommandTest.STATE)));
        Map<String, String> sampleToServer = new HashMap<>();
        for (JsonNode item : state.get("items")) {
            if (item.get("kind").asText().equals("Rollout")) {
                GenericKubernetesResource rollout = Json.MAPPER.treeToValue(fresh(item), GenericKubernetesResource.class);
                GenericKubernetesResource created = client.genericKubernetesResources(RolloutResources.ROLLOUTS)
                        .inNamespace(rollout.getMetadata().getNamespace()).resource(rollout).create();
                // The server assigns its own generation: make the status current for it, as the sample's is.
                @SuppressWarnings("unchecked")
                Map<String, Object> status = (Map<String, Object>) created.getAdditionalProperties().get("status");
                status.put("observedGeneration", String.valueOf(created.getMetadata().getGeneration()));
                created = client.genericKubernetesResources(RolloutResources.ROLLOUTS)
                        .inNamespace(rollout.getMetadata().getNamespace()).resource(created).update();
                assertThat(String.valueOf(((Map<?, ?>) created.getAdditionalProperties().get("status")).get("observedGeneration")))
                        .isEqualTo(String.valueOf(created.getMetadata().getGeneration()));
                sampleToServer.put(item.at("/metadata/uid").asText(), created.getMetadata().getUid());
                rolloutUids.put(created.getMetadata().getNamespace() + "/" + created.getMetadata().getName(),
                        created.getMetadata().getUid());
            }
        }
        for (JsonNode item : state.get("items")) {
            if (item.get("kind").asText().equals("ReplicaSet")) {
                ObjectNode rs = fresh(item);
                for (JsonNode ref : rs.at("/metadata/ownerReferences")) {
                    String serverUid = sampleToServer.get(ref.get("uid").asText());
                    if (serverUid != null) {
                        ((ObjectNode) ref).put("uid", serverUid);
                    }
                }
                ReplicaSet replicaSet = Json.MAPPER.treeToValue(rs, ReplicaSet.class);
                client.apps().replicaSets().inNamespace(replicaSet.getMetadata().getNamespace()).resource(replicaSet).create();
            }
        }
        useKubeconfig(client.getMasterUrl().toString());
        drainRequests();
    }

    @AfterEach
    void clearKubeconfig() {
        dev.deadlineguard.testing.Kubeconfigs.clear();
    }

    static ObjectNode fresh(JsonNode item) {
        ObjectNode copy = item.deepCopy();
        ObjectNode meta = (ObjectNode) copy.get("metadata");
        meta.remove(List.of("uid", "resourceVersion", "creationTimestamp", "generation"));
        return copy;
    }

    void useKubeconfig(String url) throws Exception {
        useKubeconfig(url, "mock");
    }

    void useKubeconfig(String url, String currentContext) throws Exception {
        dev.deadlineguard.testing.Kubeconfigs.use(dir, url, "shop", currentContext);
    }

    /** Everything the server holds, as kubectl get rs,rollouts -A -o json prints it. */
    Path export() throws Exception {
        ObjectNode list = Json.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        var items = list.putArray("items");
        for (GenericKubernetesResource r : client.genericKubernetesResources(RolloutResources.ROLLOUTS).inAnyNamespace().list().getItems()) {
            items.add(Json.MAPPER.valueToTree(r));
        }
        for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
            ObjectNode node = Json.MAPPER.valueToTree(rs);
            node.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
            items.add(node);
        }
        Path file = dir.resolve("export.json");
        Files.write(file, Json.MAPPER.writeValueAsBytes(list));
        return file;
    }

    static List<String> planLines(String text) {
        return text.lines().filter(l -> l.startsWith("  ")).toList();
    }

    List<RecordedRequest> drainRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r);
        }
        return requests;
    }

    @Test
    void auditAndADryRunSweepPrintTheSamePlanForTheSameState() throws Exception {
        // The sweep runs on the system clock; every deadline in the state is in 2024 or in 2099, so any time between
        // gives the same decisions, and a fixed --now makes the two audits' reports comparable to the byte.
        ReviewCommandTest.Run offline = ReviewCommandTest.run("audit", export().toString(), "--now", "2026-01-01T00:00:00Z");
        ReviewCommandTest.Run live = ReviewCommandTest.run("audit", "--cluster", "-A", "--now", "2026-01-01T00:00:00Z");
        ReviewCommandTest.Run sweep = ReviewCommandTest.run("sweep", "--once", "--dry-run");

        List<String> expected = List.of(
                "  payments/ledger-58d7c6b4f: would repair: scale-down-deadline \"2024-08-01 15:13:36\" is not RFC 3339 "
                        + "(2 replicas): write a fresh deadline",
                "  payments/ledger-6f4b8d9c7: would scale down: scale-down-deadline 2024-08-01T15:13:36Z plus 30s grace has "
                        + "passed (2 replicas)",
                "  search/api-5b4a39c8d7: skip (owned_by_another_rollout): someone else's: its controller ownerReference has "
                        + "another uid than the Rollout of that name (ownerReference uid 0b6c1d6e-dead-4a4b-9c1d-590480089710, "
                        + "Rollout api has uid " + rolloutUids.get("search/api") + ")",
                "  search/api-8d7c6b5a4: wait: due at 2099-01-01T00:00:30Z",
                "  shop/checkout-5c7e6a8b3f: would repair: scale-down-deadline is blank (3 replicas): write a fresh deadline",
                "  shop/checkout-6d8f7b9c4d: skip (referenced_by_rollout): still referenced by its Rollout (stable,current)");
        assertThat(sweep.exitCode()).isEqualTo(3);
        assertThat(sweep.out()).startsWith("sweep: 9 Argo-managed ReplicaSets, mode enforce (dry run)\n");
        assertThat(planLines(sweep.out())).containsExactlyElementsOf(expected);
        assertThat(offline.exitCode()).isEqualTo(3);
        assertThat(offline.err()).startsWith("audit: 9 Argo-managed ReplicaSets in 3 namespaces: 3 fail, 1 warn, 0 error, "
                + "8 pass, 6 skip\n");
        assertThat(planLines(offline.err())).containsExactlyElementsOf(expected);
        assertThat(live.exitCode()).isEqualTo(3);
        assertThat(live.err()).isEqualTo(offline.err());
        assertThat(live.out()).isEqualTo(offline.out());
    }

    @Test
    void auditClusterOnlyReadsAndFollowsTheKubeconfig() throws Exception {
        ReviewCommandTest.Run all = ReviewCommandTest.run("audit", "--cluster", "-A");
        assertThat(all.exitCode()).isEqualTo(3);
        List<RecordedRequest> requests = drainRequests();
        assertThat(requests).isNotEmpty();
        assertThat(requests).allSatisfy(r -> assertThat(r.getMethod()).isEqualTo("GET"));
        assertThat(requests).extracting(RecordedRequest::getPath)
                .contains("/apis/apps/v1/replicasets", "/apis/argoproj.io/v1alpha1/rollouts");

        // The context's namespace by default, --namespace to choose another, --context to choose the cluster.
        ReviewCommandTest.Run shop = ReviewCommandTest.run("audit", "--cluster");
        assertThat(shop.err()).startsWith("audit: 3 Argo-managed ReplicaSets in 1 namespaces: ");
        assertThat(drainRequests()).allSatisfy(r -> {
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getPath()).matches("/version|/apis/apps/v1/namespaces/shop/replicasets|"
                    + "/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts");
        });
        useKubeconfig(client.getMasterUrl().toString(), "nowhere");
        ReviewCommandTest.Run search = ReviewCommandTest.run("audit", "--cluster", "--namespace", "search", "--context", "mock");
        assertThat(search.exitCode()).as(search.err()).isZero();
        assertThat(search.err()).startsWith("audit: 3 Argo-managed ReplicaSets in 1 namespaces: 0 fail, 1 warn, ");
        assertThat(drainRequests()).extracting(RecordedRequest::getPath)
                .contains("/apis/apps/v1/namespaces/search/replicasets", "/apis/argoproj.io/v1alpha1/namespaces/search/rollouts");
    }

    @Test
    void conflictingOptionsAreClearErrors() {
        ReviewCommandTest.Run both = ReviewCommandTest.run("audit", "--cluster", AuditCommandTest.STATE);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("error: --cluster reads the cluster, not " + AuditCommandTest.STATE
                + "; give one or the other\nsee 'deadline-guard audit --help'\n");
        ReviewCommandTest.Run ns = ReviewCommandTest.run("audit", "--cluster", "-A", "-n", "shop");
        assertThat(ns.exitCode()).isEqualTo(2);
        assertThat(ns.err()).isEqualTo("error: --namespace and --all-namespaces exclude each other\n"
                + "see 'deadline-guard audit --help'\n");
        ReviewCommandTest.Run fileWithContext = ReviewCommandTest.run("audit", AuditCommandTest.STATE, "--context", "mock");
        assertThat(fileWithContext.exitCode()).isEqualTo(2);
        assertThat(fileWithContext.err()).isEqualTo("error: --context, --namespace and --all-namespaces go with --cluster\n"
                + "see 'deadline-guard audit --help'\n");
    }
}
