package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Offline audit: every Argo-managed ReplicaSet of a snapshot through the report rules. */
public final class Audit {

    private Audit() {
    }

    public static Map<String, NamespaceReport> run(AuditInput.Parsed input, Instant now, Duration grace,
                                                   List<String> guardedKeys, int cap) {
        List<Finding> findings = new ArrayList<>();
        for (ReplicaSet rs : input.replicaSets()) {
            ArgoReplicaSet state = ArgoReplicaSet.of(rs);
            if (!state.managedByArgoRollouts()) {
                continue;
            }
            findings.addAll(DeadlineRules.evaluate(state, now, grace, guardedKeys));
        }
        return NamespaceReport.build(findings, cap);
    }
}
