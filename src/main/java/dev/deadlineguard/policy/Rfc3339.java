package dev.deadlineguard.policy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses timestamps exactly as Go's {@code time.Parse(time.RFC3339, s)} accepts them, which is what
 * the Argo Rollouts controller uses on the deadline annotation: {@code YYYY-MM-DDTHH:MM:SS},
 * optional fractional seconds, then {@code Z} or {@code ±HH:MM}. Anything looser (a space instead of
 * {@code T}, missing seconds, a bare date) is invalid and would make the controller scale down at once.
 */
public final class Rfc3339 {

    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|([+-])(\\d{2}):(\\d{2}))");

    private Rfc3339() {
    }

    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() > 40) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            LocalDate date = LocalDate.of(num(m, 1), num(m, 2), num(m, 3));
            int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
            LocalTime time = LocalTime.of(num(m, 4), num(m, 5), num(m, 6), nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            if (m.group(9) != null) {
                int hours = num(m, 10);
                int minutes = num(m, 11);
                if (hours > 23 || minutes > 59) {
                    return Optional.empty();
                }
                int seconds = (hours * 60 + minutes) * 60;
                offset = ZoneOffset.ofTotalSeconds(m.group(9).equals("-") ? -seconds : seconds);
            }
            return Optional.of(date.atTime(time).toInstant(offset));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Formats an instant the way Argo Rollouts writes deadlines: UTC, whole seconds, {@code Z}. */
    public static String format(Instant instant) {
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
