package dev.deadlineguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A command-line mistake, in the manner of kubectl: one line that says what was wrong and what is
 * accepted, one line that says where to look, exit code {@link ExitCodes#USAGE}. No usage dump, no
 * Java type names; a value that came from a {@code DEADLINE_GUARD_*} variable is blamed on the variable.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + describe(ex, args));
        err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** The one line about the mistake, without the {@code error: } prefix. */
    static String describe(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (unmatched.isUnknownOption()) {
                String suggestions = unmatched.getSuggestions().stream()
                        .filter(s -> s.startsWith("-")).limit(3).collect(Collectors.joining(", "));
                return "unknown option '" + first + "'" + (suggestions.isEmpty() ? "" : "; did you mean " + suggestions + "?");
            }
            if (!cmd.getSubcommands().isEmpty()) {
                return "unknown command '" + first + "': expected one of " + commands(cmd);
            }
            return "unexpected argument '" + first + "'";
        }
        ArgSpec arg = ex.getArgSpec();
        if (arg != null && ex.getValue() != null && ex.getCause() != null) {
            return "invalid value '" + ex.getValue() + "' for " + source(cmd, arg, args) + ": " + expectation(arg, ex.getCause());
        }
        String message = ex.getMessage() == null ? "invalid command line" : ex.getMessage().lines().findFirst().orElse("");
        return lowerFirst(message);
    }

    /** The subcommands a command accepts, in declaration order. */
    static String commands(CommandLine cmd) {
        return String.join(", ", cmd.getSubcommands().keySet());
    }

    private static String source(CommandLine cmd, ArgSpec arg, String[] args) {
        if (!(arg instanceof OptionSpec option)) {
            return arg.paramLabel();
        }
        boolean onCommandLine = Arrays.stream(args).anyMatch(a -> Arrays.stream(option.names())
                .anyMatch(name -> a.equals(name) || a.startsWith(name.startsWith("--") ? name + "=" : name)));
        if (!onCommandLine && cmd.getDefaultValueProvider() instanceof EnvironmentDefaults environment
                && environment.isSet(option.longestName())) {
            return EnvironmentDefaults.variableFor(option.longestName()) + " (" + option.longestName() + ")";
        }
        return option.longestName();
    }

    private static String expectation(ArgSpec arg, Throwable cause) {
        if (cause instanceof CommandLine.TypeConversionException && cause.getMessage() != null
                && cause.getMessage().startsWith("expected ") && !cause.getMessage().contains("case-insensitive")) {
            return cause.getMessage();  // from one of our converters
        }
        Class<?> type = arg.auxiliaryTypes().length > 0 ? arg.auxiliaryTypes()[0] : arg.type();
        if (type.isEnum()) {
            return "expected one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "expected a whole number";
        }
        if (type == Instant.class) {
            return InstantConverter.EXPECTED;
        }
        return "not accepted";
    }

    private static String lowerFirst(String message) {
        if (message.length() > 1 && Character.isUpperCase(message.charAt(0)) && Character.isLowerCase(message.charAt(1))) {
            return Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        return message;
    }
}
