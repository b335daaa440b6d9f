package dev.deadlineguard.policy;

/** What the validating endpoint does with a violation. */
public enum ValidateMode {
    /** Deny the update. */
    ENFORCE,
    /** Allow the update with a warning to the client. */
    WARN
}
