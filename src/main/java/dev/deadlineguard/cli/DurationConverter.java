package dev.deadlineguard.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Reads durations the way Kubernetes tools write them: {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return nonNegative(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
            }
            if (v.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return nonNegative(switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            }, value);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("expected a duration such as 30s, 5m or 1h");
        }
    }

    private static Duration nonNegative(Duration d, String value) {
        if (d.isNegative()) {
            throw new CommandLine.TypeConversionException("expected a duration that is not negative, such as 30s");
        }
        return d;
    }
}
