package dev.deadlineguard.cli;

import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.policy.ValidateMode;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The options of the deadline rules, shared by {@code serve} and {@code review}. */
public final class PolicyOptions {

    @picocli.CommandLine.Mixin
    GuardedKeysOption guardedKeys;

    @Option(names = "--controller-username", split = ",", paramLabel = "USER",
            defaultValue = GuardConfig.DEFAULT_CONTROLLER,
            description = "Identities of the Argo Rollouts controller, which may remove a deadline "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> controllerUsernames;

    @Option(names = "--validate-mode", paramLabel = "MODE", defaultValue = "enforce",
            description = "What /validate does with a violation: enforce (deny) or warn (default: ${DEFAULT-VALUE}).")
    ValidateMode validateMode;

    @Option(names = "--exempt-namespace", split = ",", paramLabel = "NS",
            description = "Namespaces whose ReplicaSets are never judged.")
    List<String> exemptNamespaces;

    public GuardConfig toConfig() {
        return new GuardConfig(
                guardedKeys.keys(),
                trimmed(controllerUsernames),
                validateMode,
                trimmed(exemptNamespaces));
    }

    private static Set<String> trimmed(List<String> values) {
        Set<String> result = new LinkedHashSet<>();
        if (values != null) {
            values.stream().map(String::strip).filter(v -> !v.isEmpty()).forEach(result::add);
        }
        return result;
    }
}
