package dev.deadlineguard.sweep;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SweepPolicyTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00Z");
    static final SweepConfig ENFORCE = config(SweepMode.ENFORCE);

    static SweepConfig config(SweepMode mode) {
        return new SweepConfig(List.of("scale-down-deadline", "argo-rollouts.argoproj.io/scale-down-deadline"), mode, false,
                Duration.ofSeconds(30), List.of(), Duration.ofSeconds(30));
    }

    static ReplicaSetState rs(String hash, long revision, int replicas, Map<String, String> annotations) {
        return new ReplicaSetState("shop", "checkout-" + hash, "uid-" + hash, "100", hash, annotations, replicas, "checkout",
                revision, false);
    }

    static RolloutState rollout(String... referenced) {
        return new RolloutState("shop", "checkout", Set.of(referenced), true, Duration.ofSeconds(45));
    }

    static final ReplicaSetState NEWEST = rs("new", 3, 3, Map.of());

    static SweepDecision decide(ReplicaSetState rs, RolloutState rollout, SweepConfig config) {
        return SweepPolicy.decide(rs, rollout, List.of(rs, NEWEST), NOW, config);
    }

    @Test
    void overdueAndUnreferencedIsScaledDownOnlyInEnforceMode() {
        ReplicaSetState old = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:00Z"));
        assertThat(decide(old, rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("scale-down-deadline", "2024-08-01T15:59:00Z", 3));
        assertThat(decide(old, rollout("new"), config(SweepMode.REPAIR)))
                .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.OVERDUE, "scale-down-deadline", "2024-08-01T15:59:00Z", 3));
        assertThat(decide(old, rollout("new"), config(SweepMode.REPORT)))
                .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.OVERDUE, "scale-down-deadline", "2024-08-01T15:59:00Z", 3));
    }

    @Test
    void waitsForDeadlinePlusGrace() {
        ReplicaSetState justPast = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:45Z"));
        assertThat(decide(justPast, rollout("new"), ENFORCE)).isEqualTo(new SweepDecision.Wait(Instant.parse("2024-08-01T16:00:15Z")));
        ReplicaSetState exactlyDue = rs("old", 2, 3, Map.of("scale-down-deadline", "2024-08-01T15:59:30Z"));
        assertThat(decide(exactlyDue, rollout("new"), ENFORCE)).isInstanceOf(SweepDecision.ScaleDown.class);
    }

    @Test
    void blankOrInvalidIsRepairedWithTheRolloutsDelayOrReported() {
        for (String broken : new String[] {"", "  ", "tomorrow"}) {
            ReplicaSetState stuck = rs("old", 2, 3, Map.of("scale-down-deadline", broken));
            assertThat(decide(stuck, rollout("new"), ENFORCE))
                    .isEqualTo(new SweepDecision.Repair("scale-down-deadline", broken, "2024-08-01T16:00:45Z", 3));
            assertThat(decide(stuck, rollout("new"), config(SweepMode.REPAIR)))
                    .isEqualTo(new SweepDecision.Repair("scale-down-deadline", broken, "2024-08-01T16:00:45Z", 3));
            assertThat(decide(stuck, rollout("new"), config(SweepMode.REPORT)))
                    .isEqualTo(new SweepDecision.Report(SweepDecision.Problem.STUCK, "scale-down-deadline", broken, 3));
        }
    }

    @Test
    void theDocumentedKeyCountsToo() {
        ReplicaSetState old = rs("old", 2, 3, Map.of("argo-rollouts.argoproj.io/scale-down-deadline", "2024-08-01T15:00:00Z"));
        assertThat(decide(old, rollout("new"), ENFORCE))
                .isEqualTo(new SweepDecision.ScaleDown("argo-rollouts.argoproj.io/scale-down-deadline", "2024-08-01T15:00:00Z", 3));
    }

    @Test
    void inDoubtItDoesNothing() {
        Map<String, String> overdue = Map.of("scale-down-deadline", "2024-08-01T15:00:00Z");
        ReplicaSetState old = rs("old", 2, 3, overdue);
        assertThat(skip(decide(old, rollout("old"), ENFORCE))).isEqualTo(SkipReason.REFERENCED_BY_ROLLOUT);
        assertThat(skip(decide(old, null, ENFORCE))).isEqualTo(SkipReason.ROLLOUT_MISSING);
        assertThat(skip(decide(old, new RolloutState("shop", "checkout", Set.of("new"), false, Duration.ZERO), ENFORCE)))
                .isEqualTo(SkipReason.ROLLOUT_STATUS_STALE);
        assertThat(((SweepDecision.Skip) decide(old, new RolloutState("shop", "checkout", Set.of("new"), false, Duration.ZERO), ENFORCE))
                .retryAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(skip(SweepPolicy.decide(old, rollout("new"), List.of(old), NOW, ENFORCE))).isEqualTo(SkipReason.NEWEST_REVISION);
        assertThat(skip(decide(rs("old", -1, 3, overdue), rollout("new"), ENFORCE))).isEqualTo(SkipReason.UNKNOWN_REVISION);
        assertThat(skip(decide(rs("old", 2, 0, overdue), rollout("new"), ENFORCE))).isEqualTo(SkipReason.ALREADY_SCALED_DOWN);
        assertThat(skip(decide(rs("old", 2, 3, Map.of()), rollout("new"), ENFORCE))).isEqualTo(SkipReason.NO_DEADLINE);
        assertThat(skip(decide(new ReplicaSetState("shop", "x", "u", "1", "old", overdue, 3, null, 2, false), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.NO_ROLLOUT_OWNER);
        assertThat(skip(decide(new ReplicaSetState("shop", "x", "u", "1", "old", overdue, 3, "checkout", 2, true), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.BEING_DELETED);
        assertThat(skip(decide(new ReplicaSetState("shop", "x", "u", "1", null, overdue, 3, null, 2, false), rollout("new"), ENFORCE)))
                .isEqualTo(SkipReason.NOT_ARGO_MANAGED);
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
        assertThat(state.referencedHashes()).containsExactlyInAnyOrder("s1", "c1", "a1", "p1", "w1", "w2", "w3");
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
