package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.core.Rfc3339;
import dev.deadlineguard.core.RolloutState;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The sweeper's rules as a pure function of (ReplicaSet, its Rollout, its siblings, now, config).
 * In doubt it does nothing: every condition that could mean the ReplicaSet still serves traffic
 * or will soon, or that it is not the Rollout's to begin with, is a reason to skip.
 */
public final class SweepPolicy {

    /** How soon to look again when the Rollout's status lags behind its spec. */
    static final Duration STALE_RETRY = Duration.ofSeconds(30);

    private SweepPolicy() {
    }

    /**
     * @param rollout  the Rollout named by the ReplicaSet's controller ownerReference, from the cache, or {@code null}
     *                 when there is none of that name
     * @param siblings the cached ReplicaSets whose controller ownerReference names the same Rollout (including this
     *                 one); only those owned by the Rollout's uid count
     */
    public static SweepDecision decide(ArgoReplicaSet rs, RolloutState rollout, Collection<ArgoReplicaSet> siblings,
                                       Instant now, SweepConfig config) {
        if (!rs.managedByArgoRollouts()) {
            return new SweepDecision.Skip(SkipReason.NOT_ARGO_MANAGED);
        }
        if (rs.deleting()) {
            return new SweepDecision.Skip(SkipReason.BEING_DELETED);
        }
        if (rs.replicas() == 0) {
            return new SweepDecision.Skip(SkipReason.ALREADY_SCALED_DOWN);
        }
        String key = ArgoReplicaSet.DEADLINE_KEY;
        DeadlineValue value = rs.deadline();
        if (value.isAbsent()) {
            return new SweepDecision.Skip(SkipReason.NO_DEADLINE);
        }
        ControllerRef owner = rs.controller();
        if (owner == null) {
            return new SweepDecision.Skip(SkipReason.ORPHAN);
        }
        if (!owner.isRollout()) {
            return new SweepDecision.Skip(SkipReason.OWNER_NOT_A_ROLLOUT, null, "controller " + owner.display()
                    + (owner.apiVersion() == null ? "" : " (" + owner.apiVersion() + ")"));
        }
        if (rollout == null) {
            return new SweepDecision.Skip(SkipReason.ROLLOUT_MISSING, null, "Rollout " + owner.name());
        }
        if (!owner.isRollout(rollout)) {
            return new SweepDecision.Skip(SkipReason.OWNED_BY_ANOTHER_ROLLOUT, null, "ownerReference uid " + owner.uid()
                    + ", Rollout " + rollout.name() + " has uid " + rollout.uid());
        }
        if (!rollout.statusCurrent()) {
            return new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE, now.plus(STALE_RETRY), null);
        }
        if (rs.podTemplateHash() == null) {
            return new SweepDecision.Skip(SkipReason.NO_POD_TEMPLATE_HASH);
        }
        String role = rollout.referenceOf(rs.podTemplateHash());
        if (role != null) {
            return new SweepDecision.Skip(SkipReason.REFERENCED_BY_ROLLOUT, null, role);
        }
        if (rs.revision() < 0) {
            return new SweepDecision.Skip(SkipReason.UNKNOWN_REVISION);
        }
        long newest = siblings.stream().filter(s -> s.controller() != null && s.controller().isRollout(rollout))
                .mapToLong(ArgoReplicaSet::revision).max().orElse(-1);
        if (rs.revision() >= newest) {
            return new SweepDecision.Skip(SkipReason.NEWEST_REVISION, null, "revision " + rs.revision());
        }
        if (!value.isValid()) {
            if (config.mode() == SweepMode.REPORT) {
                return new SweepDecision.Report(SweepDecision.Problem.STUCK, key, value.raw(), rs.replicas());
            }
            return new SweepDecision.Repair(key, value.raw(), Rfc3339.format(now.plus(rollout.scaleDownDelay())), rs.replicas());
        }
        Instant due = value.deadline().plus(config.grace());
        if (now.isBefore(due)) {
            return new SweepDecision.Wait(due);
        }
        if (config.mode() == SweepMode.ENFORCE) {
            return new SweepDecision.ScaleDown(key, value.raw(), rs.replicas());
        }
        return new SweepDecision.Report(SweepDecision.Problem.OVERDUE, key, value.raw(), rs.replicas());
    }
}
