package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.TestReplicaSets;
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

    static List<Finding> evaluate(int replicas, Map<String, String> annotations) {
        return DeadlineRules.evaluate(rs(replicas, annotations), NOW, Duration.ofSeconds(30), KEYS);
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
                .isEqualTo("deadline 2024-08-01T15:00:00Z plus 30s grace has passed and the ReplicaSet still runs 3 replicas");
        assertThat(overdue.get(1).properties()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "key", "scale-down-deadline", "value", "2024-08-01T15:00:00Z", "deadline", "2024-08-01T15:00:00Z",
                "replicas", "3", "rollout", "checkout", "revision", "2")));
        assertThat(overdue.get(1).timestamp()).isEqualTo(NOW);
        assertThat(evaluate(3, Map.of("scale-down-deadline", "")).get(0).message()).isEqualTo("scale-down-deadline is blank: "
                + "Argo Rollouts reads it as no deadline and never scales the ReplicaSet down (the v1.7.0/v1.7.1 conflict bug; "
                + "upgrade to v1.7.2+)");
        assertThat(evaluate(3, Map.of("scale-down-deadline", "2024-08-01 15:13:36")).get(0).message())
                .isEqualTo("scale-down-deadline \"2024-08-01 15:13:36\" is not RFC 3339: Argo Rollouts scales the ReplicaSet down at once");
        assertThat(evaluate(3, Map.of()).get(1).message()).isEqualTo("not marked for scale-down (no scale-down-deadline)");
    }
}
