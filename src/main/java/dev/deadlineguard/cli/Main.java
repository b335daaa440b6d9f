package dev.deadlineguard.cli;

import dev.deadlineguard.logging.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code java -jar deadline-guard.jar <command>}. */
@Command(name = "deadline-guard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Guards Argo Rollouts scale-down deadlines on ReplicaSets.",
        subcommands = {ServeCommand.class, ReviewCommand.class, AuditCommand.class, SweepCommand.class, CertsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args);
        Logging.flush();
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main())
                .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(java.time.Instant.class, new InstantConverter())
                .setExecutionStrategy(parsed -> {
                    LoggingOptions logging = LoggingOptions.of(parsed);
                    if (logging != null) {
                        logging.apply();
                    }
                    return new CommandLine.RunLast().execute(parsed);
                })
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new CommandFailures());
        cli.getSubcommands().values().forEach(EnvironmentDefaults::listInHelp);
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required: one of " + UsageErrors.commands(spec.commandLine()));
    }
}
