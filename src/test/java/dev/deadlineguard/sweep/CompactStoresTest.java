package dev.deadlineguard.sweep;

import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.core.ArgoReplicaSet;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The informer stores keep what decisions and writes read, and drop the rest. */
class CompactStoresTest {

    @Test
    void aReplicaSetKeepsItsDecisionFieldsAndLosesItsTemplateStatusAndManagedFields() {
        ReplicaSet full = new ReplicaSetBuilder(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T15:13:36Z"))
                .editMetadata().withResourceVersion("41").withUid("rs-uid").withGeneration(4L)
                .withDeletionTimestamp("2024-08-01T16:00:00Z")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("rollouts-controller").build())
                .endMetadata()
                .withNewStatus().withReplicas(3).withReadyReplicas(3).endStatus()
                .build();
        CompactReplicaSetStore store = new CompactReplicaSetStore();
        assertThat(store.getKey(full)).isEqualTo("shop/checkout-old");
        assertThat(store.put("shop/checkout-old", full)).isNull();

        ReplicaSet kept = store.get("shop/checkout-old");
        ReplicaSet expected = new ReplicaSetBuilder()
                .withApiVersion("apps/v1").withKind("ReplicaSet")
                .withNewMetadata()
                .withNamespace("shop").withName("checkout-old").withUid("rs-uid").withResourceVersion("41").withGeneration(4L)
                .withDeletionTimestamp("2024-08-01T16:00:00Z")
                .withLabels(full.getMetadata().getLabels())
                .withAnnotations(full.getMetadata().getAnnotations())
                .withOwnerReferences(full.getMetadata().getOwnerReferences())
                .endMetadata()
                .withNewSpec().withReplicas(3).endSpec()
                .build();
        assertThat(kept).isEqualTo(expected);
        assertThat(ArgoReplicaSet.of(kept)).as("the sweeper's view is the same").isEqualTo(ArgoReplicaSet.of(full));
        assertThat(kept.getSpec().getTemplate()).isNull();
        assertThat(kept.getMetadata().getManagedFields()).isEmpty();

        ReplicaSet second = new ReplicaSetBuilder(ArgoObjects.withDeadline("new", 3, 3, null)).build();
        store.put("shop/checkout-new", second);
        assertThat(store.get("shop/checkout-new").getMetadata().getLabels().keySet().iterator().next())
                .as("label keys are one shared string").isSameAs(kept.getMetadata().getLabels().keySet().iterator().next());
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.keySet()).containsExactlyInAnyOrder("shop/checkout-old", "shop/checkout-new");
        assertThat(store.remove("shop/checkout-old")).isEqualTo(expected);
        assertThat(store.get("shop/checkout-old")).isNull();
    }

    @Test
    void aRolloutLosesItsTemplateManagedFieldsLastAppliedAndConditions() {
        GenericKubernetesResource rollout = ArgoObjects.rollout(Map.of("stableRS", "new",
                "conditions", List.of(Map.of("type", "Progressing"))), ArgoObjects.canary());
        Map<String, Object> spec = new java.util.HashMap<>(rollout.get("spec"));
        spec.put("template", Map.of("spec", Map.of("containers", List.of(Map.of("name", "app")))));
        rollout.setAdditionalProperty("spec", spec);
        rollout.setAdditionalProperty("status", new java.util.HashMap<>(rollout.get("status")));
        rollout.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(RolloutStore.LAST_APPLIED, "{}", "team", "shop")));
        rollout.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()));
        RolloutState before = RolloutState.of(rollout, java.time.Duration.ofSeconds(30));

        GenericKubernetesResource slim = RolloutStore.slim(rollout);
        assertThat(slim.getMetadata().getAnnotations()).isEqualTo(Map.of("team", "shop"));
        assertThat(slim.getMetadata().getManagedFields()).isNull();
        assertThat((Map<String, Object>) slim.get("spec")).containsOnlyKeys("replicas", "strategy");
        assertThat((Map<String, Object>) slim.get("status")).doesNotContainKey("conditions").containsKey("stableRS");
        assertThat(RolloutState.of(slim, java.time.Duration.ofSeconds(30))).isEqualTo(before);
    }
}
