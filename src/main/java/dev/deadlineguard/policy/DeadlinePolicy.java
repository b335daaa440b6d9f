package dev.deadlineguard.policy;

import dev.deadlineguard.core.DeadlineValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The decision table of SPEC §3 as a pure function of the decoded request and the configuration.
 * It knows nothing of HTTP, JSON or patches.
 */
public final class DeadlinePolicy {

    private DeadlinePolicy() {
    }

    public static Decision decide(AdmissionInput input, GuardConfig config) {
        if (!input.inScope()) {
            return Decision.notJudged(Decision.Scope.OUT_OF_SCOPE);
        }
        if (input.namespace() != null && config.exemptNamespaces().contains(input.namespace())) {
            return Decision.notJudged(Decision.Scope.EXEMPT);
        }
        if (!input.oldObject().managedByArgoRollouts() && !input.object().managedByArgoRollouts()) {
            return Decision.notJudged(Decision.Scope.NOT_GUARDED);
        }
        List<KeyFinding> findings = new ArrayList<>(config.guardedKeys().size());
        for (String key : config.guardedKeys()) {
            DeadlineValue before = input.oldObject().value(key);
            DeadlineValue after = input.object().value(key);
            findings.add(new KeyFinding(key, classify(before, after, input, config), before, after));
        }
        return new Decision(Decision.Scope.JUDGED, findings);
    }

    static DeadlineCase classify(DeadlineValue before, DeadlineValue after, AdmissionInput input, GuardConfig config) {
        return switch (after.state()) {
            case VALID -> DeadlineCase.VALID;
            case BLANK -> before.isValid() ? DeadlineCase.BLANKED : DeadlineCase.BLANKED_NO_PRIOR;
            case INVALID -> before.isValid() ? DeadlineCase.INVALID : DeadlineCase.INVALID_NO_PRIOR;
            case ABSENT -> {
                if (before.isAbsent()) {
                    yield DeadlineCase.ABSENT;
                }
                if (!before.isValid()) {
                    yield DeadlineCase.BROKEN_REMOVED;
                }
                if (input.object().replicas() == 0) {
                    yield DeadlineCase.DROPPED_SCALE_DOWN;
                }
                if (input.username() != null && config.controllerUsernames().contains(input.username())) {
                    yield DeadlineCase.DROPPED_BY_CONTROLLER;
                }
                yield DeadlineCase.DROPPED;
            }
        };
    }
}
