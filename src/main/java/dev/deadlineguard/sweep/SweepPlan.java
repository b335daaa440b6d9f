package dev.deadlineguard.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The sweeper's decisions in words: one line per ReplicaSet that has a deadline, saying what the sweeper does (or
 * would do, in a dry run) and, when it leaves an overdue ReplicaSet alone, why. {@code sweep --once} and
 * {@code audit} print the same lines for the same state; the reports carry the same text.
 */
public final class SweepPlan {

    private SweepPlan() {
    }

    /**
     * The plan lines, {@code namespace/name: what}, in the order of the keys.
     *
     * @param decisions the latest decision per {@code namespace/name}
     */
    public static List<String> lines(SortedMap<String, SweepDecision> decisions, SweepConfig config) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, SweepDecision> e : decisions.entrySet()) {
            if (shown(e.getValue())) {
                lines.add(e.getKey() + ": " + describe(e.getValue(), config.grace(), config.dryRun()));
            }
        }
        return lines;
    }

    /** Everything but the ReplicaSets with nothing to say: not Argo's, already at 0, no deadline. */
    static boolean shown(SweepDecision decision) {
        return !(decision instanceof SweepDecision.Skip skip && switch (skip.reason()) {
            case NOT_ARGO_MANAGED, ALREADY_SCALED_DOWN, NO_DEADLINE -> true;
            default -> false;
        });
    }

    /**
     * What the sweeper does with one ReplicaSet and why, e.g. {@code would scale down: ...}.
     *
     * @param dryRun say what it would do
     */
    public static String describe(SweepDecision decision, java.time.Duration grace, boolean dryRun) {
        String would = dryRun ? "would " : "";
        if (decision instanceof SweepDecision.ScaleDown d) {
            return would + "scale down: " + d.key() + " " + d.deadline() + " plus " + grace.toSeconds()
                    + "s grace has passed (" + d.replicas() + " replicas)";
        }
        if (decision instanceof SweepDecision.Repair d) {
            return would + "repair: " + broken(d.key(), d.oldValue()) + " (" + d.replicas()
                    + " replicas): write a fresh deadline";
        }
        if (decision instanceof SweepDecision.Report d) {
            return d.problem() == SweepDecision.Problem.OVERDUE
                    ? would + "report overdue: " + d.key() + " " + d.value() + " plus " + grace.toSeconds()
                    + "s grace has passed (" + d.replicas() + " replicas); the sweep mode does not scale down"
                    : would + "report stuck: " + broken(d.key(), d.value()) + " (" + d.replicas()
                    + " replicas); the sweep mode does not repair";
        }
        if (decision instanceof SweepDecision.Wait d) {
            return "wait: due at " + d.at();
        }
        SweepDecision.Skip skip = (SweepDecision.Skip) decision;
        return "skip (" + skip.reason().label() + "): " + skip.reason().description()
                + (skip.detail() == null ? "" : " (" + skip.detail() + ")");
    }

    /** A short name of the decision, for report properties: scale_down, repair, report_overdue, wait, skip, ... */
    public static String label(SweepDecision decision) {
        if (decision instanceof SweepDecision.ScaleDown) {
            return "scale_down";
        }
        if (decision instanceof SweepDecision.Repair) {
            return "repair";
        }
        if (decision instanceof SweepDecision.Report d) {
            return "report_" + d.problem().name().toLowerCase(Locale.ROOT);
        }
        return decision instanceof SweepDecision.Wait ? "wait" : "skip";
    }

    private static String broken(String key, String value) {
        return value == null || value.isBlank() ? key + " is blank"
                : key + " \"" + dev.deadlineguard.admission.Messages.clip(value, 64) + "\" is not RFC 3339";
    }
}
