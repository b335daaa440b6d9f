package dev.deadlineguard.sweep;

import dev.deadlineguard.testing.Eventually;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** The cache tells its listener what changed, from its stores, and again for every ReplicaSet at each resync. */
@EnableKubernetesMockClient(crud = true)
class ReplicaSetCacheTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    KubernetesClient client;
    final RecordingListener listener = new RecordingListener();
    final List<String> told = listener.told;

    @Test
    void addsChangesOfTheReplicaSetOrItsRolloutAndRemovalsAreTold() {
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS)
                .resource(ArgoObjects.rollout(Map.of("stableRS", "new"), ArgoObjects.canary())).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.withDeadline("old", 1, 3, null)).create();
        try (ReplicaSetCache cache = new ReplicaSetCache(client, List.of(), List.of(ArgoObjects.KEY), Duration.ofSeconds(30))) {
            cache.start(Duration.ZERO, listener);
            Eventually.until("synced", TIMEOUT, cache::current);
            // the Rollout may be listed before or after its ReplicaSet: it tells its ReplicaSets only if listed after
            assertThat(told).contains("changed shop/checkout-old").allMatch("changed shop/checkout-old"::equals);

            told.clear();
            client.apps().replicaSets().inNamespace(NS).withName("checkout-old")
                    .edit(rs -> { rs.getSpec().setReplicas(0); return rs; });
            Eventually.until("the change is told", TIMEOUT, () -> !told.isEmpty());
            assertThat(told).containsExactly("changed shop/checkout-old");
            assertThat(cache.entry("shop/checkout-old").specReplicas()).isZero();

            told.clear();
            client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS).withName("checkout")
                    .edit(r -> { r.getAdditionalProperties().put("status", Map.of("stableRS", "old", "observedGeneration", "1")); return r; });
            Eventually.until("the Rollout's change is told for its ReplicaSets", TIMEOUT, () -> !told.isEmpty());
            assertThat(told).containsExactly("changed shop/checkout-old");
            assertThat(cache.rollout(NS, "checkout").referenceOf("old")).isEqualTo("stable");

            told.clear();
            client.apps().replicaSets().inNamespace(NS).withName("checkout-old").delete();
            Eventually.until("the removal is told", TIMEOUT, () -> !told.isEmpty());
            assertThat(told).containsExactly("removed shop/checkout-old");
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void eachResyncTellsEveryCachedReplicaSetAgain() {
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.withDeadline("a", 1, 3, null)).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.withDeadline("b", 2, 3, null)).create();
        try (ReplicaSetCache cache = new ReplicaSetCache(client, List.of(), List.of(ArgoObjects.KEY), Duration.ofSeconds(30))) {
            cache.start(Duration.ofMillis(100), listener);
            Eventually.until("three resyncs", TIMEOUT, () -> told.size() >= 8);
            assertThat(told.subList(0, 8)).containsOnly("changed shop/checkout-a", "changed shop/checkout-b");
            assertThat(told.stream().filter("changed shop/checkout-a"::equals).count()).isGreaterThanOrEqualTo(4);
        }
    }
}
