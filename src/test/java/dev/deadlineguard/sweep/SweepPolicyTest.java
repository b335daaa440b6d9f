package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;
import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.core.TestReplicaSets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SweepPolicyTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00Z");
    static final SweepConfig ENFORCE = config(SweepMode.ENFORCE);

    static SweepConfig config(SweepMode mode) {
        return new SweepConfig(List.of("scale-down-deadline", "argo-rollouts.argoproj.io/scale-down-deadline"), mode, false,
                Duration.ofSeconds(30), List.of(), Duration.ofSeconds(30));
    }

    static ArgoReplicaSet rs(String hash, long revision, int replicas, Map<String, String> annotations) {
        return owned(hash, revision, replicas, annotations, TestReplicaSets.rollout("checkout"));
    }

    static ArgoReplicaSet owned(String hash, long revision, int replicas, Map<String, String> annotations,
                                ControllerRef controller) {
        return TestReplicaSets.replicaSet("shop", "checkout-" + hash, hash, annotations, replicas, revision, controller, false);
    }

    static RolloutState rollout(String... referenced) {
        Map<String, String> refs = new java.util.LinkedHashMap<>();
        for (String hash : referenced) {
            refs.put(hash, "stable");
        }
        return new RolloutState("shop", "checkout", TestReplicaSets.ROLLOUT_UID, refs, true, Duration.ofSeconds(45));
    }

    static final ArgoReplicaSet NEWEST = rs("new", 3, 3, Map.of());

    static SweepDecision decide(ArgoReplicaSet rs, RolloutState rollout, SweepConfig config) {
        return SweepPolicy.decide(rs, rollout, List.of(rs, NEWEST), NOW, config);
    }

    @Test
    void overdueAndUnreferencedIsScaledDownOnlyInEnforceMode() {
        ArgoReplicaSet old = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:00Z"));
        assertThat(decide(old, rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("scale-down-deadline", "2024-08-01T15:59:00Z", 3));
        assertThat(decide(old, rollout("new"), config(SweepMode.REPAIR)))
                .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.OVERDUE, "scale-down-deadline", "2024-08-01T15:59:00Z", 3));
        assertThat(decide(old, rollout("new"), config(SweepMode.REPORT)))
                .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.OVERDUE, "scale-down-deadline", "2024-08-01T15:59:00Z", 3));
    }

    @Test
    void waitsForDeadlinePlusGrace() {
        ArgoReplicaSet justPast = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:45Z"));
        assertThat(decide(justPast, rollout("new"), ENFORCE)).isEqualTo(new SweepDecision.Wait(Instant.parse("2024-08-01T16:00:15Z")));
        ArgoReplicaSet exactlyDue = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:30Z"));
        assertThat(decide(exactlyDue, rollout("new"), ENFORCE)).isInstanceOf(SweepDecision.ScaleDown.class);
    }

    @Test
    void blankOrInvalidIsRepairedWithTheRolloutsDelayOrReported() {
        for (String broken : new String[] {"", "  ", "tomorrow"}) {
            ArgoReplicaSet stuck = rs("old", 2, 3, Map.of("scale-down-deadline", broken));
            assertThat(decide(stuck, rollout("new"), ENFORCE))
                    .isEqualTo(new SweepDecision.Repair("scale-down-deadline", broken, "2024-08-01T16:00:45Z", 3));
            assertThat(decide(stuck, rollout("new"), config(SweepMode.REPAIR)))
                    .isEqualTo(new SweepDecision.Repair("scale-down-deadline", broken, "2024-08-01T16:00:45Z", 3));
            assertThat(decide(stuck, rollout("new"), config(SweepMode.REPORT)))
                    .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.STUCK, "scale-down-deadline", broken, 3));
        }
    }

    @Test
    void onlyTheKeyTheControllerReadsIsADeadline() {
        // The controller ignores the documented spelling: a passed deadline there does not make the ReplicaSet due,
        // and a broken one there does not make it stuck.
        String documented = ArgoReplicaSet.DOCUMENTED_KEY;
        assertThat(skip(decide(rs("old", 2, 3, Map.of(documented, "2024-08-01T15:00:00Z")), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.NO_DEADLINE);
        assertThat(skip(decide(rs("old", 2, 3, Map.of(documented, "")), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.NO_DEADLINE);
        assertThat(decide(rs("old", 2, 3, Map.of(documented, "", "scale-down-deadline", "2024-08-01T15:00:00Z")),
                rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("scale-down-deadline", "2024-08-01T15:00:00Z", 3));
    }

    @Test
    void goLenientValuesAreDeadlinesToo() {
        assertThat(decide(rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:13:36,5Z")), rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("scale-down-deadline", "2024-08-01T15:13:36,5Z", 3));
        assertThat(decide(rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T17:00:00+01:00")), rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.Wait(Instant.parse("2024-08-01T16:00:30Z")));
    }

    @Test
    void theRolloutOwnsOnlyReplicaSetsWhoseControllerReferenceCarriesItsUid() {
        Map<String, String> overdue = Map.of("scale-down-deadline", "2024-08-01T15:00:00Z");
        // same uid: the Rollout's own, scaled down
        assertThat(decide(owned("old", 2, 3, overdue, TestReplicaSets.rollout("checkout")), rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("scale-down-deadline", "2024-08-01T15:00:00Z", 3));
        // other uid: left over from a deleted Rollout of the same name
        assertThat(decide(owned("old", 2, 3, overdue, TestReplicaSets.rollout("checkout", "uid-of-a-deleted-rollout")),
                rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.Skip(SkipReason.OWNED_BY_ANOTHER_ROLLOUT, null,
                        "ownerReference uid uid-of-a-deleted-rollout, Rollout checkout has uid " + TestReplicaSets.ROLLOUT_UID));
        // no owner: an orphan that only carries the label
        assertThat(decide(owned("old", 2, 3, overdue, null), rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.Skip(SkipReason.ORPHAN));
        // the controller is not a Rollout, or not an argoproj.io/v1alpha1 one
        assertThat(decide(owned("old", 2, 3, overdue, new ControllerRef("apps/v1", "Deployment", "checkout", "d1")),
                rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.Skip(SkipReason.OWNER_NOT_A_ROLLOUT, null, "controller Deployment/checkout (apps/v1)"));
        assertThat(skip(decide(owned("old", 2, 3, overdue, new ControllerRef("example.com/v1", "Rollout", "checkout",
                TestReplicaSets.ROLLOUT_UID)), rollout("new"), ENFORCE))).isEqualTo(SkipReason.OWNER_NOT_A_ROLLOUT);
        // a ReplicaSet of another Rollout uid does not count as a newer sibling
        ArgoReplicaSet foreignNewer = owned("foreign", 9, 3, Map.of(), TestReplicaSets.rollout("checkout", "other"));
        ArgoReplicaSet old = rs("old", 2, 3, overdue);
        assertThat(skip(SweepPolicy.decide(old, rollout("new"), List.of(old, foreignNewer), NOW, ENFORCE)))
                .isEqualTo(SkipReason.NEWEST_REVISION);
    }

    @Test
    void inDoubtItDoesNothing() {
        Map<String, String> overdue = Map.of("scale-down-deadline", "2024-08-01T15:00:00Z");
        ArgoReplicaSet old = rs("old", 2, 3, overdue);
        assertThat(skip(decide(old, rollout("old"), ENFORCE))).isEqualTo(SkipReason.REFERENCED_BY_ROLLOUT);
        assertThat(skip(decide(old, null, ENFORCE))).isEqualTo(SkipReason.ROLLOUT_MISSING);
        RolloutState stale = new RolloutState("shop", "checkout", TestReplicaSets.ROLLOUT_UID, Map.of("new", "stable"), false,
                Duration.ZERO);
        assertThat(decide(old, stale, ENFORCE))
                .isEqualTo(new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE, NOW.plusSeconds(30), null));
        assertThat(decide(old, rollout("old"), ENFORCE))
                .isEqualTo(new SweepDecision.Skip(SkipReason.REFERENCED_BY_ROLLOUT, null, "stable"));
        assertThat(skip(SweepPolicy.decide(old, rollout("new"), List.of(old), NOW, ENFORCE))).isEqualTo(SkipReason.NEWEST_REVISION);
        assertThat(skip(decide(rs("old", -1, 3, overdue), rollout("new"), ENFORCE))).isEqualTo(SkipReason.UNKNOWN_REVISION);
        assertThat(skip(decide(rs("old", 2, 0, overdue), rollout("new"), ENFORCE))).isEqualTo(SkipReason.ALREADY_SCALED_DOWN);
        assertThat(skip(decide(rs("old", 2, 3, Map.of()), rollout("new"), ENFORCE))).isEqualTo(SkipReason.NO_DEADLINE);
        assertThat(skip(decide(TestReplicaSets.replicaSet("shop", "x", "old", overdue, 3, 2, TestReplicaSets.rollout("checkout"),
                true), rollout("new"), ENFORCE))).isEqualTo(SkipReason.BEING_DELETED);
        assertThat(skip(decide(TestReplicaSets.replicaSet("shop", "x", null, overdue, 3, 2, null, false), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.NOT_ARGO_MANAGED);
        assertThat(skip(decide(TestReplicaSets.replicaSet("shop", "x", null, overdue, 3, 2, TestReplicaSets.rollout("checkout"),
                false), rollout("new"), ENFORCE))).isEqualTo(SkipReason.NO_POD_TEMPLATE_HASH);
    }

    @Test
    void rolloutStatusReferencesEveryServingHash() {
        io.fabric8.kubernetes.api.model.GenericKubernetesResource r = ArgoObjects.rollout(Map.of(
                "stableRS", "s1", "currentPodHash", "c1",
                "blueGreen", Map.of("activeSelector", "a1", "previewSelector", "p1"),
                "canary", Map.of("weights", Map.of(
                        "canary", Map.of("weight", 20, "podTemplateHash", "w1"),
                        "stable", Map.of("weight", 80, "podTemplateHash", "w2"),
                        "additional", List.of(Map.of("weight", 0, "podTemplateHash", "w3"))))), ArgoObjects.blueGreen(90));
        RolloutState state = RolloutState.of(r, Duration.ofSeconds(30));
        assertThat(state.references()).containsExactlyInAnyOrderEntriesOf(Map.of("s1", "stable", "c1", "current",
                "a1", "active", "p1", "preview", "w1", "canary", "w2", "stable", "w3", "additional"));
        assertThat(state.statusCurrent()).isTrue();
        assertThat(state.scaleDownDelay()).isEqualTo(Duration.ofSeconds(90));
        assertThat(RolloutState.of(ArgoObjects.rollout(Map.of(), ArgoObjects.canary(), 5, "4"), Duration.ofSeconds(30)))
                .satisfies(s -> {
                    assertThat(s.statusCurrent()).isFalse();
                    assertThat(s.scaleDownDelay()).isEqualTo(Duration.ofSeconds(30));
                });
    }

    static SkipReason skip(SweepDecision d) {
        assertThat(d).isInstanceOf(SweepDecision.Skip.class);
        return ((SweepDecision.Skip) d).reason();
    }
}
