package dev.deadlineguard.sweep;

import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.core.Rfc3339;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The sweeper's rules as a pure function of (ReplicaSet, its Rollout, its siblings, now, config).
 * In doubt it does nothing: every condition that could mean the ReplicaSet still serves traffic
 * or will soon is a reason to skip.
 */
public final class SweepPolicy {

    /** How soon to look again when the Rollout's status lags behind its spec. */
    static final Duration STALE_RETRY = Duration.ofSeconds(30);

    private SweepPolicy() {
    }

    /**
     * @param rollout  the controlling Rollout from the cache, or {@code null} when it is not there
     * @param siblings every cached ReplicaSet controlled by the same Rollout (including this one)
     */
    public static SweepDecision decide(ReplicaSetState rs, RolloutState rollout, Collection<ReplicaSetState> siblings,
                                       Instant now, SweepConfig config) {
        if (rs.podTemplateHash() == null && rs.rolloutName() == null) {
            return new SweepDecision.Skip(SkipReason.NOT_ARGO_MANAGED, null);
        }
        if (rs.deleting()) {
            return new SweepDecision.Skip(SkipReason.BEING_DELETED, null);
        }
        if (rs.replicas() == 0) {
            return new SweepDecision.Skip(SkipReason.ALREADY_SCALED_DOWN, null);
        }
        ReplicaSetState.GuardedDeadline guarded = rs.guardedDeadline(config.guardedKeys());
        String key = guarded.key();
        DeadlineValue value = guarded.value();
        if (key == null) {
            return new SweepDecision.Skip(SkipReason.NO_DEADLINE, null);
        }
        if (rs.rolloutName() == null) {
            return new SweepDecision.Skip(SkipReason.NO_ROLLOUT_OWNER, null);
        }
        if (rollout == null) {
            return new SweepDecision.Skip(SkipReason.ROLLOUT_MISSING, null);
        }
        if (!rollout.statusCurrent()) {
            return new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE, now.plus(STALE_RETRY));
        }
        if (rs.podTemplateHash() == null || rollout.referencedHashes().contains(rs.podTemplateHash())) {
            return new SweepDecision.Skip(SkipReason.REFERENCED_BY_ROLLOUT, null);
        }
        if (rs.revision() < 0) {
            return new SweepDecision.Skip(SkipReason.UNKNOWN_REVISION, null);
        }
        long newest = siblings.stream().mapToLong(ReplicaSetState::revision).max().orElse(-1);
        if (rs.revision() >= newest) {
            return new SweepDecision.Skip(SkipReason.NEWEST_REVISION, null);
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
