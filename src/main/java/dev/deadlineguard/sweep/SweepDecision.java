package dev.deadlineguard.sweep;

import java.time.Instant;

/** What the sweeper should do with one ReplicaSet, decided from cached state and the time. */
public sealed interface SweepDecision {

    /** Nothing to do now; look again at {@code at}. */
    record Wait(Instant at) implements SweepDecision {
    }

    /**
     * Leave it alone; look again at {@code retryAt} when not {@code null}.
     *
     * @param detail what exactly, for the plan and reports (e.g. {@code stable} for a reference), or {@code null}
     */
    record Skip(SkipReason reason, Instant retryAt, String detail) implements SweepDecision {
        public Skip(SkipReason reason) {
            this(reason, null, null);
        }
    }

    /** Scale to 0 and remove the deadline, as the controller would have: the deadline plus grace has passed. */
    record ScaleDown(String key, String deadline, int replicas) implements SweepDecision {
    }

    /** Replace a blank or invalid deadline with a fresh one so that the controller's normal path takes over. */
    record Repair(String key, String oldValue, String newValue, int replicas) implements SweepDecision {
    }

    /** A problem the mode does not allow fixing: reported only. */
    record Report(Problem problem, String key, String value, int replicas) implements SweepDecision {
    }

    enum Problem {
        /** Deadline plus grace has passed and the ReplicaSet still runs pods. */
        OVERDUE,
        /** The deadline is blank or invalid while the ReplicaSet runs pods. */
        STUCK
    }
}
