package dev.deadlineguard.cli;

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
        System.exit(run(args));
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
