package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.RolloutState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweeper's decision for every ReplicaSet of a snapshot (an export or a live read), without acting: the Rollout
 * and the siblings are found the way the sweeper's caches find them (by the controller ownerReference's Rollout
 * name; {@link SweepPolicy} then checks the uid).
 */
public final class SnapshotSweep {

    private SnapshotSweep() {
    }

    /** Decisions in the order of the ReplicaSets given. */
    public static Map<ArgoReplicaSet, SweepDecision> decide(List<ArgoReplicaSet> replicaSets, List<RolloutState> rollouts,
                                                            Instant now, SweepConfig config) {
        Map<String, RolloutState> byName = new HashMap<>();
        rollouts.forEach(r -> byName.put(r.namespace() + "/" + r.name(), r));
        Map<String, List<ArgoReplicaSet>> siblings = new HashMap<>();
        for (ArgoReplicaSet rs : replicaSets) {
            if (rs.rolloutName() != null) {
                siblings.computeIfAbsent(rs.namespace() + "/" + rs.rolloutName(), k -> new ArrayList<>()).add(rs);
            }
        }
        Map<ArgoReplicaSet, SweepDecision> decisions = new LinkedHashMap<>();
        for (ArgoReplicaSet rs : replicaSets) {
            String owner = rs.rolloutName() == null ? null : rs.namespace() + "/" + rs.rolloutName();
            decisions.put(rs, SweepPolicy.decide(rs, owner == null ? null : byName.get(owner),
                    owner == null ? List.of(rs) : siblings.get(owner), now, config));
        }
        return decisions;
    }
}
