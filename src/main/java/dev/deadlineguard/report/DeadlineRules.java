package dev.deadlineguard.report;

import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.core.ArgoReplicaSet;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report rules as a pure function of a ReplicaSet, the time and the configuration. */
public final class DeadlineRules {

    private DeadlineRules() {
    }

    /**
     * Both rules' results for one Argo-managed ReplicaSet: {@code deadline-well-formed} judges every guarded key (and
     * the controller's own), as admission does; {@code deadline-honoured} judges the deadline the controller honours.
     */
    public static List<Finding> evaluate(ArgoReplicaSet rs, Instant now, Duration grace, List<String> guardedKeys) {
        String key = ArgoReplicaSet.DEADLINE_KEY;
        DeadlineValue value = rs.deadline();
        String checkedKey = key;
        DeadlineValue checked = value;
        for (String candidate : guardedKeys) {
            DeadlineValue v = rs.value(candidate);
            if (!checked.isAbsent() && !checked.isValid()) {
                break;
            }
            if (!v.isAbsent() && !v.isValid()) {
                checkedKey = candidate;
                checked = v;
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("key", key);
        props.put("value", value.isAbsent() ? "" : value.raw());
        props.put("deadline", value.isValid() ? value.deadline().toString() : "");
        props.put("replicas", Integer.toString(rs.replicas()));
        props.put("rollout", rs.rolloutName() == null ? "" : rs.rolloutName());
        props.put("revision", rs.revision() < 0 ? "" : Long.toString(rs.revision()));
        return List.of(wellFormed(rs, checkedKey, checked, props, now), honoured(rs, key, value, props, now, grace));
    }

    private static Finding wellFormed(ArgoReplicaSet rs, String key, DeadlineValue value, Map<String, String> props, Instant now) {
        return switch (value.state()) {
            case ABSENT -> finding(rs, ReportRule.WELL_FORMED, ResultValue.PASS, key + " is not set", props, now);
            case VALID -> finding(rs, ReportRule.WELL_FORMED, ResultValue.PASS,
                    key + " \"" + value.raw() + "\" is a valid RFC 3339 time", props, now);
            case BLANK -> finding(rs, ReportRule.WELL_FORMED, ResultValue.FAIL, key + " is blank: Argo Rollouts reads it as "
                    + "no deadline and never scales the ReplicaSet down (the v1.7.0/v1.7.1 conflict bug; upgrade to v1.7.2+)",
                    props, now);
            case INVALID -> finding(rs, ReportRule.WELL_FORMED, ResultValue.FAIL, key + " \""
                    + dev.deadlineguard.admission.Messages.clip(value.raw(), 64) + "\" is not RFC 3339: Argo Rollouts "
                    + "scales the ReplicaSet down at once", props, now);
        };
    }

    private static Finding honoured(ArgoReplicaSet rs, String key, DeadlineValue value, Map<String, String> props,
                                    Instant now, Duration grace) {
        if (value.isAbsent()) {
            return finding(rs, ReportRule.HONOURED, ResultValue.SKIP, "not marked for scale-down (no " + key + ")", props, now);
        }
        if (!value.isValid()) {
            return finding(rs, ReportRule.HONOURED, ResultValue.SKIP,
                    "no readable deadline to honour; see " + ReportRule.WELL_FORMED.wire(), props, now);
        }
        if (rs.replicas() == 0) {
            return finding(rs, ReportRule.HONOURED, ResultValue.PASS, "scaled down to 0 replicas", props, now);
        }
        Instant due = value.deadline().plus(grace);
        if (now.isBefore(due)) {
            return finding(rs, ReportRule.HONOURED, ResultValue.PASS, "deadline " + value.raw() + " not reached yet ("
                    + rs.replicas() + " replicas until then)", props, now);
        }
        return finding(rs, ReportRule.HONOURED, ResultValue.FAIL, "deadline " + value.raw() + " plus " + grace.toSeconds()
                + "s grace has passed and the ReplicaSet still runs " + rs.replicas() + " replicas", props, now);
    }

    private static Finding finding(ArgoReplicaSet rs, ReportRule rule, ResultValue result, String message,
                                   Map<String, String> props, Instant now) {
        return new Finding(rs.namespace(), rs.name(), rs.uid(), rule, result, message, Finding.props(props), now);
    }
}
