package dev.deadlineguard.report;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit on fabric8 objects: the sweeper's decision per ownership case, in the plan and in the results. */
class AuditTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00Z");
    static final String UID = "7d4c2a10-rollout-checkout";
    static final SweepConfig CONFIG = new SweepConfig(List.of("scale-down-deadline"), SweepMode.ENFORCE, true,
            Duration.ofSeconds(30), List.of(), Duration.ofSeconds(30));

    static ReplicaSet rs(String hash, int revision, String deadline, OwnerReference owner) {
        return new ReplicaSetBuilder().withNewMetadata().withNamespace("shop").withName("checkout-" + hash)
                .withUid("rs-" + hash).withLabels(Map.of("rollouts-pod-template-hash", hash))
                .withAnnotations(deadline == null ? Map.of("rollout.argoproj.io/revision", "" + revision)
                        : Map.of("rollout.argoproj.io/revision", "" + revision, "scale-down-deadline", deadline))
                .withOwnerReferences(owner == null ? List.of() : List.of(owner)).endMetadata()
                .withNewSpec().withReplicas(2).endSpec().build();
    }

    static OwnerReference owner(String apiVersion, String kind, String uid) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName("checkout").withUid(uid)
                .withController(true).build();
    }

    static GenericKubernetesResource rollout() {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder().withApiVersion("argoproj.io/v1alpha1")
                .withKind("Rollout").withNewMetadata().withNamespace("shop").withName("checkout").withUid(UID)
                .withGeneration(3L).endMetadata().build();
        r.setAdditionalProperty("status", Map.of("stableRS", "new", "currentPodHash", "new", "observedGeneration", "3"));
        return r;
    }

    @Test
    void eachOwnershipCaseGetsItsOwnDecisionAndResult() {
        String overdue = "2024-08-01T15:00:00Z";
        List<ReplicaSet> sets = List.of(
                rs("same-uid", 2, overdue, owner("argoproj.io/v1alpha1", "Rollout", UID)),
                rs("other-uid", 1, overdue, owner("argoproj.io/v1alpha1", "Rollout", "uid-of-a-deleted-rollout")),
                rs("no-owner", 1, overdue, null),
                rs("not-a-rollout", 1, overdue, owner("apps/v1", "Deployment", "d1")),
                rs("new", 3, null, owner("argoproj.io/v1alpha1", "Rollout", UID)));

        Audit.Result result = Audit.run(sets, List.of(rollout()), NOW, CONFIG, 1000);

        assertThat(result.plan()).containsExactly(
                "shop/checkout-no-owner: skip (orphan): an orphan: no controller ownerReference, so no Rollout scales it down",
                "shop/checkout-not-a-rollout: skip (owner_not_a_rollout): its controller is not an argoproj.io/v1alpha1 "
                        + "Rollout (controller Deployment/checkout (apps/v1))",
                "shop/checkout-other-uid: skip (owned_by_another_rollout): someone else's: its controller ownerReference has "
                        + "another uid than the Rollout of that name (ownerReference uid uid-of-a-deleted-rollout, Rollout "
                        + "checkout has uid " + UID + ")",
                "shop/checkout-same-uid: would scale down: scale-down-deadline 2024-08-01T15:00:00Z plus 30s grace has passed "
                        + "(2 replicas)");
        List<String> honoured = result.reports().get("shop").results().stream()
                .filter(f -> f.rule() == ReportRule.HONOURED)
                .map(f -> f.name() + "=" + f.result().wire() + " " + f.properties().get("decision") + "/"
                        + f.properties().get("reason"))
                .toList();
        assertThat(honoured).containsExactly(
                "checkout-new=skip skip/no_deadline",
                "checkout-no-owner=warn skip/orphan",
                "checkout-not-a-rollout=warn skip/owner_not_a_rollout",
                "checkout-other-uid=warn skip/owned_by_another_rollout",
                "checkout-same-uid=fail scale_down/");
    }
}
