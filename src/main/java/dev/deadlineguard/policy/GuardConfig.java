package dev.deadlineguard.policy;

import java.util.List;
import java.util.Set;

/**
 * Configuration of the deadline rules.
 *
 * @param guardedKeys          annotation keys that carry a scale-down deadline
 * @param controllerUsernames  identities of the Argo Rollouts controller, which may remove a deadline
 * @param validateMode         what {@code /validate} does with a violation
 * @param exemptNamespaces     namespaces whose ReplicaSets are never judged
 */
public record GuardConfig(
        List<String> guardedKeys,
        Set<String> controllerUsernames,
        ValidateMode validateMode,
        Set<String> exemptNamespaces) {

    /** The key the controller really reads and writes (no prefix). */
    public static final String CONTROLLER_KEY = dev.deadlineguard.core.ArgoReplicaSet.DEADLINE_KEY;
    /** The key as the Argo Rollouts documentation spells it. */
    public static final String DOCUMENTED_KEY = dev.deadlineguard.core.ArgoReplicaSet.DOCUMENTED_KEY;
    public static final String DEFAULT_CONTROLLER = "system:serviceaccount:argo-rollouts:argo-rollouts";

    public GuardConfig {
        guardedKeys = List.copyOf(guardedKeys);
        if (guardedKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one guarded annotation key is required");
        }
        if (guardedKeys.stream().distinct().count() != guardedKeys.size()) {
            throw new IllegalArgumentException("guarded annotation keys must be distinct: " + guardedKeys);
        }
        for (String key : guardedKeys) {
            if (key == null || key.isBlank() || key.length() > 316 || !key.strip().equals(key)) {
                throw new IllegalArgumentException("not a valid annotation key: '" + key + "'");
            }
        }
        controllerUsernames = Set.copyOf(controllerUsernames);
        exemptNamespaces = Set.copyOf(exemptNamespaces);
        if (validateMode == null) {
            throw new IllegalArgumentException("validate mode is required");
        }
    }

    public static GuardConfig defaults() {
        return new GuardConfig(
                List.of(CONTROLLER_KEY, DOCUMENTED_KEY),
                Set.of(DEFAULT_CONTROLLER),
                ValidateMode.ENFORCE,
                Set.of());
    }

    public GuardConfig withValidateMode(ValidateMode mode) {
        return new GuardConfig(guardedKeys, controllerUsernames, mode, exemptNamespaces);
    }
}
