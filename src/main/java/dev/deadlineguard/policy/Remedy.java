package dev.deadlineguard.policy;

/** How the mutating webhook repairs a violation. */
public enum Remedy {
    NONE,
    /** Put the previous valid deadline back. */
    RESTORE,
    /** Delete the key, so that the controller writes a fresh deadline. */
    REMOVE
}
