package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.sweep.SnapshotSweep;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepDecision;
import dev.deadlineguard.sweep.SweepPlan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Audit: the sweeper run on a snapshot without acting. Every Argo-managed ReplicaSet gets the sweeper's decision
 * ({@link SnapshotSweep}), the report rules on it, and a line of the sweep plan.
 */
public final class Audit {

    /** The reports per namespace and the plan lines, as {@code sweep --once --dry-run} prints them. */
    public record Result(Map<String, NamespaceReport> reports, List<String> plan) {
    }

    private Audit() {
    }

    public static Result run(List<ReplicaSet> replicaSets, List<GenericKubernetesResource> rollouts, Instant now,
                             SweepConfig config, int cap) {
        List<ArgoReplicaSet> managed = new ArrayList<>();
        for (ReplicaSet rs : replicaSets) {
            ArgoReplicaSet model = ArgoReplicaSet.of(rs);
            if (model.managedByArgoRollouts()) {
                managed.add(model);
            }
        }
        List<RolloutState> states = rollouts.stream()
                .map(r -> RolloutState.of(r, config.defaultScaleDownDelay())).toList();
        List<Finding> findings = new ArrayList<>();
        SortedMap<String, SweepDecision> decisions = new TreeMap<>();
        SnapshotSweep.decide(managed, states, now, config).forEach((rs, decision) -> {
            findings.addAll(DeadlineRules.evaluate(rs, decision, now, config.grace(), config.guardedKeys(), config.dryRun()));
            decisions.put(rs.key(), decision);
        });
        return new Result(NamespaceReport.build(findings, cap), SweepPlan.lines(decisions, config));
    }
}
