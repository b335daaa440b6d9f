package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;
import dev.deadlineguard.core.RolloutState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The informer stores keep exactly what decisions, writes and Events read, and drop the rest. */
class CompactStoresTest {

    static final String UID = "6e46f4c6-95f8-459b-81ab-08c62cb281b5";
    static final String ROLLOUT_UID = "910d3742-6e52-4169-9c31-0f34658dad7a";
    static final List<String> GUARDED = List.of("scale-down-deadline", "argo-rollouts.argoproj.io/scale-down-deadline");

    /** What the stores told the sweeper, in order. */
    final RecordingListener heard = new RecordingListener();
    final List<String> told = heard.told;

    /** A ReplicaSet as the API server sends it: more labels, annotations and owners than the sweeper reads. */
    static ReplicaSet full(String hash, String uid, String resourceVersion, Map<String, String> extraAnnotations) {
        ReplicaSet rs = ArgoObjects.replicaSet(hash, 2, 3, extraAnnotations);
        return new ReplicaSetBuilder(rs)
                .editMetadata().withUid(uid).withResourceVersion(resourceVersion).withGeneration(4L)
                .addToLabels("team", "payments")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"big\":true}")
                .editFirstOwnerReference().withUid(ROLLOUT_UID).endOwnerReference()
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                        .withName("not-the-controller").withUid("cm-uid").build())
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("rollouts-controller").build())
                .endMetadata()
                .withNewStatus().withReplicas(3).withReadyReplicas(3).endStatus()
                .build();
    }

    /** What the rules should see: the object's model with only the labels and annotations they read. */
    static ArgoReplicaSet expected(ReplicaSet rs, Map<String, String> annotations) {
        ArgoReplicaSet all = ArgoReplicaSet.of(rs);
        return new ArgoReplicaSet(all.namespace(), all.name(), all.uid(), all.resourceVersion(),
                Map.of(ArgoReplicaSet.HASH_LABEL, all.podTemplateHash()), annotations, all.replicas(), all.controller(),
                all.deleting());
    }

    @Test
    void aReplicaSetKeepsWhatTheRulesReadPackedAndReadsBackExactly() {
        ReplicaSet full = full("5f8e9a1b", UID, "191", Map.of("scale-down-deadline", "2024-08-01T15:13:36Z"));
        CompactReplicaSetStore store = new CompactReplicaSetStore(GUARDED, heard);
        assertThat(store.getKey(SlimReplicaSet.of(full))).isEqualTo("shop/checkout-5f8e9a1b");
        assertThat(store.put("shop/checkout-5f8e9a1b", SlimReplicaSet.of(full))).isNull();

        ArgoReplicaSet kept = store.entry("shop/checkout-5f8e9a1b").toArgo();
        assertThat(kept).isEqualTo(expected(full, Map.of("rollout.argoproj.io/revision", "2",
                "scale-down-deadline", "2024-08-01T15:13:36Z")));
        assertThat(kept).isEqualTo(new ArgoReplicaSet("shop", "checkout-5f8e9a1b", UID, "191",
                Map.of("rollouts-pod-template-hash", "5f8e9a1b"),
                Map.of("rollout.argoproj.io/revision", "2", "scale-down-deadline", "2024-08-01T15:13:36Z"), 3,
                new ControllerRef("argoproj.io/v1alpha1", "Rollout", "checkout", ROLLOUT_UID), false));

        ReplicaSet expanded = store.entry("shop/checkout-5f8e9a1b").toReplicaSet();
        ReplicaSet expectedExpansion = new ReplicaSetBuilder()
                .withApiVersion("apps/v1").withKind("ReplicaSet")
                .withNewMetadata()
                .withNamespace("shop").withName("checkout-5f8e9a1b").withUid(UID).withResourceVersion("191")
                .withLabels(Map.of("rollouts-pod-template-hash", "5f8e9a1b"))
                .withAnnotations(new LinkedHashMap<>(Map.of("rollout.argoproj.io/revision", "2",
                        "scale-down-deadline", "2024-08-01T15:13:36Z")))
                .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName("checkout")
                .withUid(ROLLOUT_UID).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(3).endSpec()
                .build();
        assertThat(expanded).isEqualTo(expectedExpansion);
        assertThat(ArgoReplicaSet.of(expanded)).as("the expansion is the same model").isEqualTo(kept);
        assertThat(expanded.getSpec().getTemplate()).isNull();
        assertThat(expanded.getStatus()).isNull();

        SlimReplicaSet identity = store.get("shop/checkout-5f8e9a1b");
        assertThat(identity.getMetadata()).as("what the informer gets back").isEqualTo(new ReplicaSetBuilder().withNewMetadata()
                .withNamespace("shop").withName("checkout-5f8e9a1b").withResourceVersion("191").endMetadata().build()
                .getMetadata());
        assertThat(identity.getSpec()).isNull();
        assertThat(store.values()).extracting(r -> r.getMetadata().getName()).containsExactly("checkout-5f8e9a1b");
    }

    @Test
    void valuesNotInTheShapeTheApiServerWritesAreKeptAsText() {
        Map<String, String> odd = new HashMap<>();
        odd.put("scale-down-deadline", "2024-08-01T15:13:36.5+02:00");
        odd.put("argo-rollouts.argoproj.io/scale-down-deadline", "");
        ReplicaSet rs = full("5f8e9a1b", "NOT-A-UUID", "00042", odd);
        rs.getMetadata().getAnnotations().put("rollout.argoproj.io/revision", " 07");
        rs.getMetadata().setName("checkout-other-name");
        rs.getMetadata().setDeletionTimestamp("2024-08-01T16:00:00Z");
        rs.getSpec().setReplicas(null);
        CompactReplicaSetStore store = new CompactReplicaSetStore(GUARDED, heard);
        store.put("shop/checkout-other-name", SlimReplicaSet.of(rs));

        ArgoReplicaSet kept = store.entry("shop/checkout-other-name").toArgo();
        assertThat(kept).isEqualTo(new ArgoReplicaSet("shop", "checkout-other-name", "NOT-A-UUID", "00042",
                Map.of("rollouts-pod-template-hash", "5f8e9a1b"),
                Map.of("rollout.argoproj.io/revision", " 07", "scale-down-deadline", "2024-08-01T15:13:36.5+02:00",
                        "argo-rollouts.argoproj.io/scale-down-deadline", ""), 1,
                new ControllerRef("argoproj.io/v1alpha1", "Rollout", "checkout", ROLLOUT_UID), true));
        assertThat(kept).isEqualTo(expected(rs, kept.annotations()));
        assertThat(kept.revision()).isEqualTo(7);
        ReplicaSet expanded = store.entry("shop/checkout-other-name").toReplicaSet();
        assertThat(expanded.getSpec().getReplicas()).isNull();
        assertThat(expanded.getMetadata().getDeletionTimestamp()).isEqualTo("2024-08-01T16:00:00Z");
        assertThat(ArgoReplicaSet.of(expanded)).isEqualTo(kept);
    }

    @Test
    void anObjectWithoutAnnotationsReadsBackWithout() {
        ReplicaSet rs = full("5f8e9a1b", UID, "7", Map.of());
        rs.getMetadata().setAnnotations(null);
        rs.getMetadata().setOwnerReferences(List.of());
        rs.getMetadata().setLabels(Map.of());
        CompactReplicaSetStore store = new CompactReplicaSetStore(GUARDED, heard);
        store.put("shop/checkout-5f8e9a1b", SlimReplicaSet.of(rs));
        ReplicaSet expanded = store.entry("shop/checkout-5f8e9a1b").toReplicaSet();
        assertThat(expanded.getMetadata().getAnnotations()).isNull();
        assertThat(expanded.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(store.entry("shop/checkout-5f8e9a1b").toArgo()).isEqualTo(ArgoReplicaSet.of(rs));
        assertThat(store.keysOfRollout("shop", "checkout")).isEmpty();
    }

    @Test
    void theRolloutIndexFollowsEachReplicaSetsControllerAndTheKeyIsOneString() {
        CompactReplicaSetStore store = new CompactReplicaSetStore(GUARDED, heard);
        store.put("shop/checkout-a", SlimReplicaSet.of(full("a", UID, "1", Map.of())));
        store.put("shop/checkout-b", SlimReplicaSet.of(full("b", UID, "2", Map.of())));
        ReplicaSet otherUid = full("c", UID, "3", Map.of());
        otherUid.getMetadata().getOwnerReferences().get(0).setUid("uid-of-a-deleted-rollout");
        store.put("shop/checkout-c", SlimReplicaSet.of(otherUid));
        ReplicaSet deployment = full("d", UID, "4", Map.of());
        deployment.getMetadata().getOwnerReferences().get(0).setKind("Deployment");
        store.put("shop/checkout-d", SlimReplicaSet.of(deployment));

        assertThat(store.keysOfRollout("shop", "checkout")).containsExactly("shop/checkout-a", "shop/checkout-b", "shop/checkout-c");
        assertThat(store.ofRollout("shop", "checkout")).extracting(ArgoReplicaSet::name)
                .containsExactly("checkout-a", "checkout-b", "checkout-c");
        assertThat(store.entry("shop/checkout-b").controller).as("siblings share their controller reference")
                .isSameAs(store.entry("shop/checkout-a").controller);
        assertThat(store.entry("shop/checkout-c").controller.uid()).isEqualTo("uid-of-a-deleted-rollout");
        String key = store.keyOf("shop/checkout-b");
        assertThat(key).isEqualTo("shop/checkout-b");
        assertThat(store.keyOf(new String("shop/checkout-b"))).isSameAs(key);
        assertThat(store.keysOfRollout("shop", "checkout").get(1)).isSameAs(key);

        // an update keeps the key string; a new controller moves the ReplicaSet to that Rollout's group
        ReplicaSet moved = full("b", UID, "5", Map.of());
        moved.getMetadata().getOwnerReferences().get(0).setName("payments");
        assertThat(store.put(new String("shop/checkout-b"), SlimReplicaSet.of(moved)).getMetadata().getResourceVersion()).isEqualTo("2");
        assertThat(store.keyOf("shop/checkout-b")).isSameAs(key);
        assertThat(store.keysOfRollout("shop", "checkout")).containsExactly("shop/checkout-a", "shop/checkout-c");
        assertThat(store.keysOfRollout("shop", "payments")).containsExactly("shop/checkout-b");

        ReplicaSet resent = full("b", UID, "5", Map.of());
        resent.getMetadata().getOwnerReferences().get(0).setName("payments");
        store.put("shop/checkout-b", SlimReplicaSet.of(resent));  // the same resourceVersion again: no change to tell

        assertThat(store.remove("shop/checkout-a").getMetadata().getName()).isEqualTo("checkout-a");
        assertThat(store.remove("shop/checkout-c").getMetadata().getName()).isEqualTo("checkout-c");
        assertThat(store.remove("shop/checkout-c")).isNull();
        assertThat(store.keysOfRollout("shop", "checkout")).isEmpty();
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.keySet()).containsExactlyInAnyOrder("shop/checkout-b", "shop/checkout-d");
        assertThat(store.values()).extracting(r -> r.getMetadata().getResourceVersion()).containsExactlyInAnyOrder("5", "4");
        assertThat(told).containsExactly("changed shop/checkout-a", "changed shop/checkout-b", "changed shop/checkout-c",
                "changed shop/checkout-d", "changed shop/checkout-b", "removed shop/checkout-a", "removed shop/checkout-c");
        assertThat(told.get(1)).contains(key);
    }

    @Test
    void aRolloutIsKeptAsWhatTheRulesRead() {
        GenericKubernetesResource rollout = ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new",
                "conditions", List.of(Map.of("type", "Progressing"))), ArgoObjects.blueGreen(45));
        rollout.getMetadata().setUid(ROLLOUT_UID);
        rollout.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()));
        RolloutStore store = new RolloutStore(Duration.ofSeconds(30), (ns, name) -> heard.changed(ns + "/" + name));
        assertThat(store.getKey(rollout)).isEqualTo("shop/checkout");
        assertThat(store.put("shop/checkout", rollout)).isNull();

        assertThat(store.state("shop/checkout")).isEqualTo(RolloutState.of(rollout, Duration.ofSeconds(30)));
        assertThat(store.state("shop/checkout")).isEqualTo(new RolloutState("shop", "checkout", ROLLOUT_UID,
                Map.of("new", "stable,current"), true, Duration.ofSeconds(45)));
        GenericKubernetesResource identity = store.get("shop/checkout");
        assertThat(identity.getApiVersion()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(identity.getKind()).isEqualTo("Rollout");
        assertThat(identity.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(identity.getMetadata().getName()).isEqualTo("checkout");
        assertThat(identity.getMetadata().getUid()).isEqualTo(ROLLOUT_UID);
        assertThat(identity.getAdditionalProperties()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
        store.put("shop/checkout", rollout);  // resent with the same resourceVersion (null here): no change
        rollout.getMetadata().setResourceVersion("8");
        store.put("shop/checkout", rollout);
        assertThat(store.get("shop/checkout").getMetadata().getResourceVersion()).isEqualTo("8");
        assertThat(store.remove("shop/checkout").getMetadata().getUid()).isEqualTo(ROLLOUT_UID);
        assertThat(store.state("shop/checkout")).isNull();
        assertThat(told).containsExactly("changed shop/checkout", "changed shop/checkout", "changed shop/checkout");
    }
}
