package dev.deadlineguard.policy;

import dev.deadlineguard.core.DeadlineValue;

/** The verdict for one guarded key of one ReplicaSet update. */
public record KeyFinding(String key, DeadlineCase deadlineCase, DeadlineValue oldValue, DeadlineValue newValue) {

    public boolean isViolation() {
        return deadlineCase.isViolation();
    }

    public Remedy remedy() {
        return deadlineCase.remedy();
    }
}
