package dev.deadlineguard.cli;

import ch.qos.logback.classic.Level;
import dev.deadlineguard.logging.LogFormat;
import dev.deadlineguard.logging.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --log-format} and {@code --log-level} of every command (and DEADLINE_GUARD_LOG_FORMAT, ..._LOG_LEVEL). */
public final class LoggingOptions {

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr as text or json (default: ${DEFAULT-VALUE}).")
    LogFormat format;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", converter = LevelConverter.class,
            description = "Least severe events logged: error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
    Level level;

    void apply() {
        Logging.configure(format, level);
    }

    /** The mixin of the command that runs, if it has one. */
    static LoggingOptions of(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        Object mixin = last.commandSpec().mixins().containsKey("logging")
                ? last.commandSpec().mixins().get("logging").userObject() : null;
        return mixin instanceof LoggingOptions options ? options : null;
    }

    static final class LevelConverter implements CommandLine.ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            Level level = Level.toLevel(value.strip(), null);
            if (level == null || level == Level.ALL || level == Level.OFF) {
                throw new CommandLine.TypeConversionException("expected one of error, warn, info, debug, trace");
            }
            return level;
        }
    }
}
