package dev.deadlineguard.sweep;

import java.time.Duration;
import java.util.List;

/**
 * @param guardedKeys          annotation keys that carry the deadline, the controller's own key first
 * @param mode                 report, repair or enforce
 * @param dryRun               log what would be done and change nothing
 * @param grace                how long after the deadline the controller gets before the sweeper acts
 * @param namespaces           namespaces to watch; empty for all
 * @param defaultScaleDownDelay the delay written by a repair when the Rollout does not set scaleDownDelaySeconds
 */
public record SweepConfig(List<String> guardedKeys, SweepMode mode, boolean dryRun, Duration grace,
                          List<String> namespaces, Duration defaultScaleDownDelay) {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    /** Argo Rollouts' default scaleDownDelaySeconds. */
    public static final Duration ARGO_DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);

    public SweepConfig {
        guardedKeys = List.copyOf(guardedKeys);
        namespaces = List.copyOf(namespaces);
        if (guardedKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one guarded key is required");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative");
        }
    }
}
