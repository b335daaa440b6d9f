package dev.deadlineguard.sweep;

/** Why the sweeper leaves a ReplicaSet alone. Each is a metric label and a line of the plan. */
public enum SkipReason {
    NOT_ARGO_MANAGED("not managed by Argo Rollouts"),
    BEING_DELETED("being deleted"),
    ALREADY_SCALED_DOWN("already scaled down to 0"),
    NO_DEADLINE("no deadline"),
    /** No controller ownerReference at all: the Argo controller does not manage it either. */
    ORPHAN("an orphan: no controller ownerReference, so no Rollout scales it down"),
    /** The controller ownerReference names something other than an argoproj.io/v1alpha1 Rollout. */
    OWNER_NOT_A_ROLLOUT("its controller is not an argoproj.io/v1alpha1 Rollout"),
    ROLLOUT_MISSING("its Rollout does not exist"),
    /** The controller ownerReference names a Rollout of that name, but with another uid: someone else's. */
    OWNED_BY_ANOTHER_ROLLOUT("someone else's: its controller ownerReference has another uid than the Rollout of that name"),
    ROLLOUT_STATUS_STALE("the Rollout's status is stale (observedGeneration behind generation)"),
    NO_POD_TEMPLATE_HASH("no rollouts-pod-template-hash label, so it cannot be matched against the Rollout's status"),
    REFERENCED_BY_ROLLOUT("still referenced by its Rollout"),
    UNKNOWN_REVISION("no rollout.argoproj.io/revision"),
    NEWEST_REVISION("the newest revision of its Rollout");

    private final String description;

    SkipReason(String description) {
        this.description = description;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Why, in words, for plans and reports. */
    public String description() {
        return description;
    }
}
