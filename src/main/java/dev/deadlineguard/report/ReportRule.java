package dev.deadlineguard.report;

/** The two rules deadline-guard reports on, each with its severity. */
public enum ReportRule {
    /** Fails when the deadline is blank or not RFC 3339. */
    WELL_FORMED("deadline-well-formed", "high"),
    /** Fails when the deadline plus grace has passed and the ReplicaSet still runs pods. */
    HONOURED("deadline-honoured", "medium");

    private final String wire;
    private final String severity;

    ReportRule(String wire, String severity) {
        this.wire = wire;
        this.severity = severity;
    }

    public String wire() {
        return wire;
    }

    public String severity() {
        return severity;
    }
}
