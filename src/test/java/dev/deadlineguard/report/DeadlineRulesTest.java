package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.core.TestReplicaSets;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import dev.deadlineguard.sweep.SweepPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineRulesTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00Z");
    static final List<String> KEYS = List.of("scale-down-deadline", "argo-rollouts.argoproj.io/scale-down-deadline");

    static ArgoReplicaSet rs(int replicas, Map<String, String> annotations) {
        return TestReplicaSets.replicaSet("shop", "checkout-old", "old", annotations, replicas, 2,
                TestReplicaSets.rollout("checkout"), false);
    }

    static final SweepConfig CONFIG = new SweepConfig(KEYS, SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(),
            Duration.ofSeconds(30));
    static final ArgoReplicaSet NEWER = TestReplicaSets.replicaSet("shop", "checkout-new", "new", Map.of(), 3, 3,
            TestReplicaSets.rollout("checkout"), false);

    /** A Rollout that references {@code new} as stable, like the ones that made an old ReplicaSet's deadline. */
    static RolloutState rollout(String... stable) {
        Map<String, String> refs = new java.util.HashMap<>(Map.of("new", "stable"));
        for (String hash : stable) {
            refs.put(hash, "stable");
        }
        return new RolloutState("shop", "checkout", TestReplicaSets.ROLLOUT_UID, refs, true, Duration.ofSeconds(30));
    }

    /** Through the sweeper's real decision, as audit and the report writer do. */
    static List<Finding> evaluate(ArgoReplicaSet rs, RolloutState rollout) {
        return DeadlineRules.evaluate(rs, SweepPolicy.decide(rs, rollout, List.of(rs, NEWER), NOW, CONFIG), NOW,
                Duration.ofSeconds(30), KEYS, false);
    }

    static List<Finding> evaluate(int replicas, Map<String, String> annotations) {
        return evaluate(rs(replicas, annotations), rollout());
    }

    static String summary(List<Finding> findings) {
        return findings.get(0).rule().wire() + "=" + findings.get(0).result().wire() + " "
                + findings.get(1).rule().wire() + "=" + findings.get(1).result().wire();
    }

    @Test
    void everyRuleAndResult() {
        assertThat(summary(evaluate(3, Map.of()))).isEqualTo("deadline-well-formed=pass deadline-honoured=skip");
        assertThat(summary(evaluate(3, Map.of("scale-down-deadline", "2024-08-01T16:10:00Z"))))
                .isEqualTo("deadline-well-formed=pass deadline-honoured=pass");
        assertThat(summary(evaluate(3, Map.of("scale-down-deadline", "2024-08-01T15:59:31Z"))))
                .as("within grace").isEqualTo("deadline-well-formed=pass deadline-honoured=pass");
        assertThat(summary(evaluate(3, Map.of("scale-down-deadline", "2024-08-01T15:59:30Z"))))
                .isEqualTo("deadline-well-formed=pass deadline-honoured=fail");
        assertThat(summary(evaluate(0, Map.of("scale-down-deadline", "2024-08-01T15:00:00Z"))))
                .isEqualTo("deadline-well-formed=pass deadline-honoured=pass");
        assertThat(summary(evaluate(3, Map.of("scale-down-deadline", "")))).isEqualTo("deadline-well-formed=fail deadline-honoured=skip");
        assertThat(summary(evaluate(3, Map.of("argo-rollouts.argoproj.io/scale-down-deadline", "soon"))))
                .isEqualTo("deadline-well-formed=fail deadline-honoured=skip");
    }

    @Test
    void messagesAndPropertiesSayWhatWasFound() {
        List<Finding> overdue = evaluate(3, Map.of("scale-down-deadline", "2024-08-01T15:00:00Z"));
        assertThat(overdue.get(1).message())
                .isEqualTo("deadline 2024-08-01T15:00:00Z plus 30s grace has passed and the ReplicaSet still runs 3 replicas; "
                        + "sweeper: scale down: scale-down-deadline 2024-08-01T15:00:00Z plus 30s grace has passed (3 replicas)");
        java.util.TreeMap<String, String> expected = new java.util.TreeMap<>(Map.of(
                "key", "scale-down-deadline", "value", "2024-08-01T15:00:00Z", "deadline", "2024-08-01T15:00:00Z",
                "replicas", "3", "rollout", "checkout", "revision", "2", "decision", "scale_down", "reason", "",
                "detail", ""));
        assertThat(overdue.get(1).properties()).containsExactlyEntriesOf(expected);
        assertThat(overdue.get(1).timestamp()).isEqualTo(NOW);
        assertThat(evaluate(3, Map.of("scale-down-deadline", "")).get(0).message()).isEqualTo("scale-down-deadline is blank: "
                + "Argo Rollouts reads it as no deadline and never scales the ReplicaSet down (the v1.7.0/v1.7.1 conflict bug; "
                + "upgrade to v1.7.2+); sweeper: repair: scale-down-deadline is blank (3 replicas): write a fresh deadline");
        assertThat(evaluate(3, Map.of("scale-down-deadline", "2024-08-01 15:13:36")).get(0).message())
                .isEqualTo("scale-down-deadline \"2024-08-01 15:13:36\" is not RFC 3339: Argo Rollouts scales the ReplicaSet down "
                        + "at once; sweeper: repair: scale-down-deadline \"2024-08-01 15:13:36\" is not RFC 3339 (3 replicas): write "
                        + "a fresh deadline");
        assertThat(evaluate(3, Map.of()).get(1).message())
                .isEqualTo("not marked for scale-down (no scale-down-deadline); sweeper: skip (no_deadline): no deadline");
    }

    @Test
    void aStaleDeadlineOnAReplicaSetTheRolloutStillUsesDoesNotFail() {
        // After a rollback the Rollout uses the old ReplicaSet again; the deadline left on it is stale, not ignored.
        ArgoReplicaSet stable = rs(3, Map.of("scale-down-deadline", "2024-08-01T15:00:00Z"));
        List<Finding> findings = evaluate(stable, rollout("old"));
        assertThat(summary(findings)).isEqualTo("deadline-well-formed=pass deadline-honoured=skip");
        assertThat(findings.get(1).message()).isEqualTo("deadline 2024-08-01T15:00:00Z plus 30s grace has passed, but the "
                + "ReplicaSet is in use or in flux; sweeper: skip (referenced_by_rollout): still referenced by its Rollout (stable)");
        assertThat(findings.get(1).properties()).containsEntry("decision", "skip")
                .containsEntry("reason", "referenced_by_rollout").containsEntry("detail", "stable");
    }

    @Test
    void anOverdueReplicaSetNoRolloutOwnsIsAWarningPerOwnershipCase() {
        Map<String, String> overdue = Map.of("scale-down-deadline", "2024-08-01T15:00:00Z");
        // same uid: the Rollout's own, a failure the sweeper mends
        assertThat(summary(evaluate(rs(3, overdue), rollout()))).isEqualTo("deadline-well-formed=pass deadline-honoured=fail");
        // other uid, no owner, owner not a Rollout: nobody scales it down
        ArgoReplicaSet otherUid = TestReplicaSets.replicaSet("shop", "checkout-old", "old", overdue, 3, 2,
                TestReplicaSets.rollout("checkout", "uid-of-a-deleted-rollout"), false);
        ArgoReplicaSet orphan = TestReplicaSets.replicaSet("shop", "checkout-old", "old", overdue, 3, 2, null, false);
        ArgoReplicaSet deployment = TestReplicaSets.replicaSet("shop", "checkout-old", "old", overdue, 3, 2,
                new dev.deadlineguard.core.ControllerRef("apps/v1", "Deployment", "checkout", "d1"), false);
        assertThat(evaluate(otherUid, rollout()).get(1)).satisfies(f -> {
            assertThat(f.result()).isEqualTo(ResultValue.WARN);
            assertThat(f.message()).isEqualTo("deadline 2024-08-01T15:00:00Z plus 30s grace has passed and the ReplicaSet "
                    + "still runs 3 replicas, and the sweeper does not act on it; sweeper: skip (owned_by_another_rollout): "
                    + "someone else's: its controller ownerReference has another uid than the Rollout of that name "
                    + "(ownerReference uid uid-of-a-deleted-rollout, Rollout checkout has uid " + TestReplicaSets.ROLLOUT_UID + ")");
            assertThat(f.properties()).containsEntry("reason", "owned_by_another_rollout");
        });
        assertThat(evaluate(orphan, rollout()).get(1).properties()).containsEntry("reason", "orphan");
        assertThat(evaluate(orphan, rollout()).get(1).result()).isEqualTo(ResultValue.WARN);
        assertThat(evaluate(deployment, rollout()).get(1).properties()).containsEntry("reason", "owner_not_a_rollout")
                .containsEntry("detail", "controller Deployment/checkout (apps/v1)").containsEntry("rollout", "");
        assertThat(evaluate(deployment, rollout()).get(1).result()).isEqualTo(ResultValue.WARN);
    }
}
