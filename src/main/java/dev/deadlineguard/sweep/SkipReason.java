package dev.deadlineguard.sweep;

/** Why the sweeper leaves a ReplicaSet alone. Each is a metric label. */
public enum SkipReason {
    NOT_ARGO_MANAGED,
    BEING_DELETED,
    ALREADY_SCALED_DOWN,
    NO_DEADLINE,
    NO_ROLLOUT_OWNER,
    ROLLOUT_MISSING,
    ROLLOUT_STATUS_STALE,
    REFERENCED_BY_ROLLOUT,
    NEWEST_REVISION,
    UNKNOWN_REVISION;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
