package dev.deadlineguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

/**
 * Every long option also reads an environment variable: {@code --cert-dir} from
 * {@code DEADLINE_GUARD_CERT_DIR}, and so on. A flag on the command line wins over the variable.
 * Options that take several values take them comma-separated.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    public static final String PREFIX = "DEADLINE_GUARD_";
    private final Map<String, String> environment;

    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    public static String variableFor(String longOption) {
        return PREFIX + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Lists the command's variables at the end of its {@code --help}, one per long option, so that the
     * environment is as discoverable as the flags.
     */
    static void listInHelp(CommandLine command) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("");
        lines.add("Environment: every flag can also be set with a variable (a flag on the command line wins; "
                + "several values comma-separated):");
        command.getCommandSpec().options().stream()
                .filter(o -> o.longestName().startsWith("--") && !o.usageHelp() && !o.versionHelp())
                .map(o -> String.format("  %-40s %s", variableFor(o.longestName()), o.longestName()))
                .distinct()
                .forEach(lines::add);
        command.getCommandSpec().usageMessage().footer(lines.toArray(String[]::new));
    }

    /** Whether the variable of this long option is set (so a bad value can be blamed on it). */
    boolean isSet(String longOption) {
        return environment.containsKey(variableFor(longOption));
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option && option.longestName().startsWith("--")) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
