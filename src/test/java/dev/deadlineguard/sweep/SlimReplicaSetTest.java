package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The slim type binds, from what the API server sends, the metadata and spec.replicas, and nothing else. */
class SlimReplicaSetTest {

    final KubernetesSerialization serialization = new KubernetesSerialization();

    static ReplicaSet full() {
        ReplicaSet rs = ArgoObjects.replicaSet("5f8e9a1b", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:13:36Z"));
        rs.getMetadata().setUid("6e46f4c6-95f8-459b-81ab-08c62cb281b5");
        rs.getMetadata().setResourceVersion("191");
        rs.getMetadata().setManagedFields(java.util.List.of(new ManagedFieldsEntryBuilder().withManager("rollouts-controller")
                .withOperation("Update").withApiVersion("apps/v1").build()));
        rs.setStatus(new ReplicaSetStatusBuilder().withReplicas(3).withReadyReplicas(3).build());
        return rs;
    }

    @Test
    void anObjectBindsItsMetadataAndReplicasOnly() {
        ReplicaSet full = full();
        SlimReplicaSet slim = serialization.unmarshal(serialization.asJson(full), SlimReplicaSet.class);

        assertThat(slim.getMetadata()).isEqualTo(full.getMetadata());
        assertThat(slim.getSpec().getReplicas()).isEqualTo(3);
        assertThat(slim.getApiVersion()).isEqualTo("apps/v1");
        assertThat(slim.getKind()).isEqualTo("ReplicaSet");
        // back to fabric8's type for the writes and Events: the same metadata, spec.replicas, no template or status
        ReplicaSet back = slim.toReplicaSet();
        assertThat(back.getMetadata()).isEqualTo(full.getMetadata());
        assertThat(back.getSpec().getReplicas()).isEqualTo(3);
        assertThat(back.getSpec().getTemplate()).isNull();
        assertThat(back.getStatus()).isNull();
        assertThat(SlimReplicaSet.of(full).toReplicaSet()).isEqualTo(back);
    }

    @Test
    void aPageOfAListBindsItsItemsAsTheSlimType() {
        String page = "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSetList\",\"metadata\":{\"resourceVersion\":\"200\","
                + "\"continue\":\"next\"},\"items\":[" + serialization.asJson(full()) + "]}";
        SlimReplicaSet.List list = serialization.unmarshal(page, SlimReplicaSet.List.class);

        assertThat(list.getMetadata().getContinue()).isEqualTo("next");
        assertThat(list.getItems()).hasSize(1);
        assertThat(list.getItems().get(0)).isInstanceOf(SlimReplicaSet.class);
        assertThat(list.getItems().get(0).getMetadata().getName()).isEqualTo("checkout-5f8e9a1b");
        assertThat(list.getItems().get(0).getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void aWatchEventBindsItsObjectAsTheSlimTypeOnceRegistered() {
        String event = "{\"type\":\"MODIFIED\",\"object\":" + serialization.asJson(full()) + "}";
        assertThat(serialization.unmarshal(event, io.fabric8.kubernetes.api.model.WatchEvent.class).getObject())
                .as("fabric8's lookup by apiVersion and kind").isInstanceOf(ReplicaSet.class);

        SlimReplicaSet.bindAsSlim(serialization);
        Object object = serialization.unmarshal(event, io.fabric8.kubernetes.api.model.WatchEvent.class).getObject();
        assertThat(object).isInstanceOf(SlimReplicaSet.class);
        assertThat(((SlimReplicaSet) object).getMetadata()).isEqualTo(full().getMetadata());
        // told its type, fabric8's ReplicaSet is still bound in full
        assertThat(serialization.unmarshal(serialization.asJson(full()), ReplicaSet.class)).isEqualTo(full());
    }

    @Test
    void replicasTheObjectDoesNotSayStayUnsaid() {
        SlimReplicaSet slim = serialization.unmarshal("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                + "\"metadata\":{\"name\":\"a\",\"namespace\":\"shop\"},\"spec\":{\"selector\":{}}}", SlimReplicaSet.class);
        assertThat(slim.getSpec().getReplicas()).isNull();
        assertThat(slim.toReplicaSet().getSpec().getReplicas()).isNull();
        SlimReplicaSet noSpec = serialization.unmarshal("{\"metadata\":{\"name\":\"a\"}}", SlimReplicaSet.class);
        assertThat(noSpec.getSpec()).isNull();
        assertThat(noSpec.toReplicaSet().getSpec()).isNull();
    }
}
