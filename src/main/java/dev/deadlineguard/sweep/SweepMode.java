package dev.deadlineguard.sweep;

/** How far the sweeper goes; each mode does what the one before does, and more. */
public enum SweepMode {
    /** Only reports overdue and stuck ReplicaSets. */
    REPORT,
    /** Also writes a fresh deadline over a blank or invalid one, so the controller's normal path takes over. */
    REPAIR,
    /** Also scales down ReplicaSets whose deadline (plus grace) has passed. */
    ENFORCE
}
