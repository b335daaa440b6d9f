package dev.deadlineguard.cluster;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter, as client-go's {@code wait.Backoff}: attempt 1 waits
 * {@code initial}, each further attempt twice as long, never more than {@code max}, plus up to
 * {@code jitter} of the delay at random so that many replicas do not retry in step.
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    /** Reaching the API server: from half a second up to 30 seconds. */
    public static final Backoff CONNECT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2);
    /** A failed write or read for one ReplicaSet: from one second up to five minutes. */
    public static final Backoff API_ERROR = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || jitter < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and jitter >= 0");
        }
    }

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} (1, 2, ...) failures. */
    public Duration delay(int attempt, DoubleSupplier random) {
        long base = initial.toMillis() << Math.min(Math.max(attempt, 1) - 1, 30);
        long capped = base <= 0 ? max.toMillis() : Math.min(base, max.toMillis());
        return Duration.ofMillis(capped + (long) (capped * jitter * random.getAsDouble()));
    }

    /** A duration as people write it: {@code 500ms}, {@code 30s}, {@code 5m}. */
    public static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000 || ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        return s % 60 == 0 && s >= 60 ? s / 60 + "m" : s + "s";
    }

    /** The longest delay any attempt can wait. */
    public Duration longest() {
        return Duration.ofMillis(max.toMillis() + (long) (max.toMillis() * jitter));
    }
}
