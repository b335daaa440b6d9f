package dev.deadlineguard.core;

import java.time.Instant;
import java.util.Optional;

/**
 * The value of one guarded annotation, classified the way the Argo Rollouts controller reads it:
 * absent, blank ({@code ""} or whitespace, which the controller treats as "no deadline"), a valid
 * RFC 3339 time, or anything else (which the controller treats as "scale down now").
 */
public record DeadlineValue(State state, String raw, Instant deadline) {

    public enum State { ABSENT, BLANK, VALID, INVALID }

    private static final DeadlineValue ABSENT_VALUE = new DeadlineValue(State.ABSENT, null, null);

    public static DeadlineValue absent() {
        return ABSENT_VALUE;
    }

    public static DeadlineValue of(String raw) {
        if (raw == null) {
            return ABSENT_VALUE;
        }
        if (raw.isBlank()) {
            return new DeadlineValue(State.BLANK, raw, null);
        }
        return Rfc3339.parse(raw)
                .map(instant -> new DeadlineValue(State.VALID, raw, instant))
                .orElseGet(() -> new DeadlineValue(State.INVALID, raw, null));
    }

    public boolean isValid() {
        return state == State.VALID;
    }

    public boolean isAbsent() {
        return state == State.ABSENT;
    }

    public Optional<Instant> instant() {
        return Optional.ofNullable(deadline);
    }
}
