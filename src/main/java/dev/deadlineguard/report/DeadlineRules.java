package dev.deadlineguard.report;

import dev.deadlineguard.admission.Messages;
import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.sweep.SweepDecision;
import dev.deadlineguard.sweep.SweepPlan;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report rules as a pure function of a ReplicaSet, the sweeper's decision on it, the time and the configuration.
 * Each result's message ends with that decision in the words of the sweep plan ({@code sweeper: ...}), and its
 * properties carry it ({@code decision}, {@code reason}, {@code detail}).
 */
public final class DeadlineRules {

    private DeadlineRules() {
    }

    /**
     * Both rules' results for one Argo-managed ReplicaSet: {@code deadline-well-formed} judges every guarded key (and
     * the controller's own), as admission does; {@code deadline-honoured} judges the deadline the controller honours,
     * and does not fail a ReplicaSet the sweeper rightly leaves alone (its Rollout still references it, it is the
     * newest revision, the Rollout's status is stale).
     *
     * @param dryRun the decision is only what the sweeper would do
     */
    public static List<Finding> evaluate(ArgoReplicaSet rs, SweepDecision decision, Instant now, Duration grace,
                                         List<String> guardedKeys, boolean dryRun) {
        return evaluate(Subject.of(rs, guardedKeys), decision, now, grace, dryRun);
    }

    /**
     * What the rules read of one ReplicaSet, given the guarded keys; the report writer keeps it packed and makes the
     * results again from it when it writes a report.
     *
     * @param value      the deadline the controller honours ({@link ArgoReplicaSet#DEADLINE_KEY})
     * @param checkedKey the key {@code deadline-well-formed} judges: the deadline key, or the first guarded key whose
     *                   value is blank or not RFC 3339 while the deadline's is absent or valid
     * @param checked    the value under {@code checkedKey}
     * @param rollout    the name of the controlling Rollout, or {@code null}
     * @param revision   {@code rollout.argoproj.io/revision}, or -1
     */
    public record Subject(String namespace, String name, String uid, DeadlineValue value, String checkedKey,
                          DeadlineValue checked, int replicas, String rollout, long revision) {

        public static Subject of(ArgoReplicaSet rs, List<String> guardedKeys) {
            DeadlineValue value = rs.deadline();
            String checkedKey = ArgoReplicaSet.DEADLINE_KEY;
            DeadlineValue checked = value;
            for (String candidate : guardedKeys) {
                if (!checked.isAbsent() && !checked.isValid()) {
                    break;
                }
                DeadlineValue v = rs.value(candidate);
                if (!v.isAbsent() && !v.isValid()) {
                    checkedKey = candidate;
                    checked = v;
                }
            }
            return new Subject(rs.namespace(), rs.name(), rs.uid(), value, checkedKey, checked, rs.replicas(),
                    rs.rolloutName(), rs.revision());
        }
    }

    /** Both rules' results for what they read of one ReplicaSet; see {@link #evaluate(ArgoReplicaSet, SweepDecision, Instant, Duration, List, boolean)}. */
    public static List<Finding> evaluate(Subject rs, SweepDecision decision, Instant now, Duration grace, boolean dryRun) {
        String key = ArgoReplicaSet.DEADLINE_KEY;
        DeadlineValue value = rs.value();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("key", key);
        props.put("value", value.isAbsent() ? "" : value.raw());
        props.put("deadline", value.isValid() ? value.deadline().toString() : "");
        props.put("replicas", Integer.toString(rs.replicas()));
        props.put("rollout", rs.rollout() == null ? "" : rs.rollout());
        props.put("revision", rs.revision() < 0 ? "" : Long.toString(rs.revision()));
        props.put("decision", SweepPlan.label(decision));
        SweepDecision.Skip skip = decision instanceof SweepDecision.Skip s ? s : null;
        props.put("reason", skip == null ? "" : skip.reason().label());
        props.put("detail", skip == null || skip.detail() == null ? "" : skip.detail());
        String sweeper = "; sweeper: " + SweepPlan.describe(decision, grace, dryRun);
        return List.of(wellFormed(rs, rs.checkedKey(), rs.checked(), props, now, sweeper),
                honoured(rs, key, value, decision, props, now, grace, sweeper));
    }

    private static Finding wellFormed(Subject rs, String key, DeadlineValue value, Map<String, String> props,
                                      Instant now, String sweeper) {
        return switch (value.state()) {
            case ABSENT -> finding(rs, ReportRule.WELL_FORMED, ResultValue.PASS, key + " is not set" + sweeper, props, now);
            case VALID -> finding(rs, ReportRule.WELL_FORMED, ResultValue.PASS,
                    key + " \"" + value.raw() + "\" is a valid RFC 3339 time" + sweeper, props, now);
            case BLANK -> finding(rs, ReportRule.WELL_FORMED, ResultValue.FAIL, key + " is blank: Argo Rollouts reads it as "
                    + "no deadline and never scales the ReplicaSet down (the v1.7.0/v1.7.1 conflict bug; upgrade to v1.7.2+)"
                    + sweeper, props, now);
            case INVALID -> finding(rs, ReportRule.WELL_FORMED, ResultValue.FAIL, key + " \""
                    + Messages.clip(value.raw(), 64) + "\" is not RFC 3339: Argo Rollouts "
                    + "scales the ReplicaSet down at once" + sweeper, props, now);
        };
    }

    private static Finding honoured(Subject rs, String key, DeadlineValue value, SweepDecision decision,
                                    Map<String, String> props, Instant now, Duration grace, String sweeper) {
        if (value.isAbsent()) {
            return finding(rs, ReportRule.HONOURED, ResultValue.SKIP, "not marked for scale-down (no " + key + ")" + sweeper,
                    props, now);
        }
        if (!value.isValid()) {
            return finding(rs, ReportRule.HONOURED, ResultValue.SKIP,
                    "no readable deadline to honour; see " + ReportRule.WELL_FORMED.wire() + sweeper, props, now);
        }
        if (rs.replicas() == 0) {
            return finding(rs, ReportRule.HONOURED, ResultValue.PASS, "scaled down to 0 replicas" + sweeper, props, now);
        }
        Instant due = value.deadline().plus(grace);
        if (now.isBefore(due)) {
            return finding(rs, ReportRule.HONOURED, ResultValue.PASS, "deadline " + value.raw() + " not reached yet ("
                    + rs.replicas() + " replicas until then)" + sweeper, props, now);
        }
        String passed = "deadline " + value.raw() + " plus " + grace.toSeconds() + "s grace has passed";
        if (decision instanceof SweepDecision.Skip skip) {
            return switch (skip.reason()) {
                // The Rollout still uses it, or may be about to: the deadline is stale, not ignored.
                case REFERENCED_BY_ROLLOUT, NEWEST_REVISION, ROLLOUT_STATUS_STALE, BEING_DELETED ->
                        finding(rs, ReportRule.HONOURED, ResultValue.SKIP, passed + ", but the ReplicaSet is in use or in "
                                + "flux" + sweeper, props, now);
                // Nobody will scale it down: not the controller (not its ReplicaSet), not the sweeper.
                default -> finding(rs, ReportRule.HONOURED, ResultValue.WARN, passed + " and the ReplicaSet still runs "
                        + rs.replicas() + " replicas, and the sweeper does not act on it" + sweeper, props, now);
            };
        }
        return finding(rs, ReportRule.HONOURED, ResultValue.FAIL, passed + " and the ReplicaSet still runs " + rs.replicas()
                + " replicas" + sweeper, props, now);
    }

    private static Finding finding(Subject rs, ReportRule rule, ResultValue result, String message,
                                   Map<String, String> props, Instant now) {
        return new Finding(rs.namespace(), rs.name(), rs.uid(), rule, result, message, Finding.props(props), now);
    }
}
