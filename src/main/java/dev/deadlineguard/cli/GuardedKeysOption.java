package dev.deadlineguard.cli;

import dev.deadlineguard.policy.GuardConfig;
import picocli.CommandLine.Option;

import java.util.List;

/** The guarded annotation keys, the same option in every command. */
public final class GuardedKeysOption {

    @Option(names = "--guarded-key", split = ",", paramLabel = "KEY", converter = AnnotationKeyConverter.class,
            defaultValue = GuardConfig.CONTROLLER_KEY + "," + GuardConfig.DOCUMENTED_KEY,
            description = "Annotation keys that carry a scale-down deadline (default: ${DEFAULT-VALUE}).")
    List<String> keys;

    /** Trimmed, without empties or repeats, in the given order. */
    List<String> keys() {
        return keys.stream().map(String::strip).filter(k -> !k.isEmpty()).distinct().toList();
    }
}
