package dev.deadlineguard.policy;

/** The rows of the decision table (SPEC §3) for one guarded key. */
public enum DeadlineCase {
    /** The new value is a valid RFC 3339 time: unchanged, newly set or changed. */
    VALID(Remedy.NONE),
    /** Absent before and after: nothing to guard. */
    ABSENT(Remedy.NONE),
    /** A valid deadline became blank: the Argo Rollouts v1.7.0/v1.7.1 conflict bug. */
    BLANKED(Remedy.RESTORE),
    /** A blank value with no valid deadline before it. */
    BLANKED_NO_PRIOR(Remedy.REMOVE),
    /** A valid deadline became something that is not RFC 3339. */
    INVALID(Remedy.RESTORE),
    /** A value that is not RFC 3339 with no valid deadline before it. */
    INVALID_NO_PRIOR(Remedy.REMOVE),
    /** A valid deadline removed together with a scale-down to 0: the controller's normal path. */
    DROPPED_SCALE_DOWN(Remedy.NONE),
    /** A valid deadline removed by the Argo Rollouts controller (fast rollback). */
    DROPPED_BY_CONTROLLER(Remedy.NONE),
    /** A valid deadline removed by someone else while replicas stay above 0. */
    DROPPED(Remedy.RESTORE),
    /** A blank or invalid value removed: a clean-up, allowed. */
    BROKEN_REMOVED(Remedy.NONE);

    private final Remedy remedy;

    DeadlineCase(Remedy remedy) {
        this.remedy = remedy;
    }

    /** What the mutating webhook does about it; anything but NONE is a violation. */
    public Remedy remedy() {
        return remedy;
    }

    public boolean isViolation() {
        return remedy != Remedy.NONE;
    }

    /** The label used in metrics and audit annotations, e.g. {@code blanked_no_prior}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
