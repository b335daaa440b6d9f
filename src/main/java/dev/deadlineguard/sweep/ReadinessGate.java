package dev.deadlineguard.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Readiness that waits for the sweeper's informers to sync, but not for ever: after {@code maxWait}
 * it gives up waiting (once, with a log line), because admission must not go dark on the sweeper's
 * account. The sweeper itself still decides nothing before its caches are complete.
 */
public final class ReadinessGate implements BooleanSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessGate.class);

    private final BooleanSupplier synced;
    private final Clock clock;
    private final Duration maxWait;
    private volatile Instant started;
    private volatile boolean gaveUp;

    public ReadinessGate(BooleanSupplier synced, Clock clock, Duration maxWait) {
        this.synced = synced;
        this.clock = clock;
        this.maxWait = maxWait;
    }

    /** Starts the wait (when the informers start). */
    public void start() {
        started = clock.instant();
    }

    @Override
    public boolean getAsBoolean() {
        if (synced.getAsBoolean()) {
            return true;
        }
        Instant from = started;
        if (from != null && Duration.between(from, clock.instant()).compareTo(maxWait) > 0) {
            if (!gaveUp) {
                gaveUp = true;
                LOG.error("the sweeper's informers have not synced after {}s (is the Argo Rollouts CRD installed, may "
                        + "the ServiceAccount list ReplicaSets and Rollouts?): serving admission anyway; the sweeper "
                        + "does nothing until they sync", maxWait.toSeconds());
            }
            return true;
        }
        return false;
    }

    public boolean gaveUp() {
        return gaveUp;
    }
}
