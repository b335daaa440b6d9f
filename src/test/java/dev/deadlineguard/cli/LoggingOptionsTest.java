package dev.deadlineguard.cli;

import ch.qos.logback.classic.Level;
import dev.deadlineguard.logging.LogFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command takes --log-format and --log-level, also from DEADLINE_GUARD_LOG_FORMAT and ..._LOG_LEVEL. */
class LoggingOptionsTest {

    private static LoggingOptions parse(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine().setDefaultValueProvider(new EnvironmentDefaults(env));
        return LoggingOptions.of(cli.parseArgs(args));
    }

    @Test
    void everyCommandHasTheOptionsWithTextAndInfoByDefault() {
        for (String command : new String[] {"serve", "review", "audit", "sweep", "certs"}) {
            CommandLine sub = Main.commandLine().getSubcommands().get(command);
            assertThat(sub.getCommandSpec().findOption("--log-format")).as(command).isNotNull();
            assertThat(sub.getCommandSpec().findOption("--log-level")).as(command).isNotNull();
        }
        LoggingOptions defaults = parse(Map.of(), "review", "-");
        assertThat(defaults.format).isEqualTo(LogFormat.TEXT);
        assertThat(defaults.level).isEqualTo(Level.INFO);
    }

    @Test
    void flagsAndEnvironmentVariablesSetThem() {
        LoggingOptions flags = parse(Map.of(), "review", "--log-format", "json", "--log-level", "debug", "-");
        assertThat(flags.format).isEqualTo(LogFormat.JSON);
        assertThat(flags.level).isEqualTo(Level.DEBUG);
        LoggingOptions env = parse(Map.of("DEADLINE_GUARD_LOG_FORMAT", "json", "DEADLINE_GUARD_LOG_LEVEL", "warn"), "serve");
        assertThat(env.format).isEqualTo(LogFormat.JSON);
        assertThat(env.level).isEqualTo(Level.WARN);
    }

    @Test
    void aBadValueIsAClearUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("review", "--log-level", "loud", "-")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: invalid value 'loud' for --log-level: expected one of error, warn, info, "
                + "debug, trace\nsee 'deadline-guard review --help'\n");
        err.getBuffer().setLength(0);
        assertThat(cli.execute("review", "--log-format", "xml", "-")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: invalid value 'xml' for --log-format: expected one of text, json\n"
                + "see 'deadline-guard review --help'\n");
    }
}
