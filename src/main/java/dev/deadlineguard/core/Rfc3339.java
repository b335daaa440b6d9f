package dev.deadlineguard.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Accepts exactly what Go 1.19's {@code time.Parse(time.RFC3339, v)} accepts, which is how the Argo Rollouts
 * controller reads the deadline annotation, and gives the same instant. Go's layout parser is more lenient than
 * RFC 3339, and this class follows it rule by rule (the table {@code go-rfc3339.tsv}, made by {@code tools/gotime}
 * with Go itself, is the test):
 * <ul>
 *   <li>year: four ASCII digits; month, day, minute, second: two digits; hour: one or two digits, below 24;</li>
 *   <li>a fraction after the seconds starts with {@code .} or {@code ,} and has any number of digits, of which the
 *       first nine count; a fraction right after the last {@code :} stands in for missing seconds
 *       ({@code 15:13:.5Z} is 15:13:00.5);</li>
 *   <li>the zone is {@code Z} or a sign and {@code HH:MM}, where each of the two-character fields is two digits or
 *       a sign and one digit, with no range check ({@code +24:00}, {@code +99:99} and {@code +-1:00} are offsets);</li>
 *   <li>the day must exist in its month and year (Feb 29 only in leap years); nothing may follow the zone.</li>
 * </ul>
 * Lowercase {@code t}/{@code z}, spaces, a missing zone and anything outside ASCII are rejected.
 */
public final class Rfc3339 {

    private Rfc3339() {
    }

    /** The instant Go would parse, or empty when Go rejects the value. */
    public static Optional<Instant> parse(String text) {
        return text == null ? Optional.empty() : Optional.ofNullable(new Scan(text).instant());
    }

    /** Formats an instant the way Argo Rollouts writes deadlines: UTC, whole seconds, {@code Z}. */
    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** One pass over the value, field by field in the order of the layout {@code 2006-01-02T15:04:05Z07:00}. */
    private static final class Scan {
        private static final int FAILED = Integer.MIN_VALUE;
        private final String s;
        private int pos;

        Scan(String s) {
            this.s = s;
        }

        Instant instant() {
            int year = longYear();
            if (year == FAILED || !literal('-')) {
                return null;
            }
            int month = number(true);
            if (month == FAILED || month < 1 || month > 12 || !literal('-')) {
                return null;
            }
            int day = number(true);
            if (day == FAILED || !literal('T')) {
                return null;
            }
            int hour = number(false);
            if (hour == FAILED || hour >= 24 || !literal(':')) {
                return null;
            }
            int minute = number(true);
            if (minute == FAILED || minute >= 60 || !literal(':')) {
                return null;
            }
            int second = number(true);
            if (second != FAILED && second >= 60) {
                return null;
            }
            int nanos = 0;
            // Go looks for a fraction whether or not the seconds parsed, and a fraction found clears their error.
            if (commaOrPeriod(pos) && digit(pos + 1)) {
                nanos = fraction();
                if (second == FAILED) {
                    second = 0;
                }
            }
            if (second == FAILED) {
                return null;
            }
            int offset = zone();
            if (offset == FAILED || pos != s.length() || day < 1 || day > daysIn(month, year)) {
                return null;
            }
            long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L
                    + hour * 3_600L + minute * 60L + second - offset;
            return Instant.ofEpochSecond(epochSecond, nanos);
        }

        /** Four characters, the first a digit, all of them digits (Go: a digit check, then atoi of four). */
        private int longYear() {
            if (s.length() - pos < 4 || !digit(pos)) {
                return FAILED;
            }
            int value = 0;
            for (int i = pos; i < pos + 4; i++) {
                if (!digit(i)) {
                    return FAILED;
                }
                value = value * 10 + (s.charAt(i) - '0');
            }
            pos += 4;
            return value;
        }

        /** Go's getnum: one or two digits, exactly two when {@code fixed}; the position stays on failure. */
        private int number(boolean fixed) {
            if (!digit(pos)) {
                return FAILED;
            }
            if (!digit(pos + 1)) {
                if (fixed) {
                    return FAILED;
                }
                return s.charAt(pos++) - '0';
            }
            int value = (s.charAt(pos) - '0') * 10 + (s.charAt(pos + 1) - '0');
            pos += 2;
            return value;
        }

        /** The separator and every digit after it; the first nine digits are the nanoseconds. */
        private int fraction() {
            int start = ++pos;
            while (digit(pos)) {
                pos++;
            }
            int nanos = 0;
            for (int i = 0; i < 9; i++) {
                nanos = nanos * 10 + (start + i < pos ? s.charAt(start + i) - '0' : 0);
            }
            return nanos;
        }

        /** {@code Z}, or six characters: a sign, a two-character hour, {@code :}, a two-character minute. */
        private int zone() {
            if (pos < s.length() && s.charAt(pos) == 'Z') {
                pos++;
                return 0;
            }
            if (s.length() - pos < 6 || s.charAt(pos + 3) != ':') {
                return FAILED;
            }
            char sign = s.charAt(pos);
            int hours = signedPair(pos + 1);
            int minutes = signedPair(pos + 4);
            if (hours == FAILED || minutes == FAILED || (sign != '+' && sign != '-')) {
                return FAILED;
            }
            pos += 6;
            int offset = (hours * 60 + minutes) * 60;
            return sign == '-' ? -offset : offset;
        }

        /** Go's atoi on two characters: two digits, or a sign and one digit. */
        private int signedPair(int at) {
            char first = s.charAt(at);
            if (first == '+' || first == '-') {
                if (!digit(at + 1)) {
                    return FAILED;
                }
                int value = s.charAt(at + 1) - '0';
                return first == '-' ? -value : value;
            }
            if (!digit(at) || !digit(at + 1)) {
                return FAILED;
            }
            return (first - '0') * 10 + (s.charAt(at + 1) - '0');
        }

        private boolean literal(char expected) {
            if (pos < s.length() && s.charAt(pos) == expected) {
                pos++;
                return true;
            }
            return false;
        }

        /** An ASCII digit only: Go compares bytes, so no other script's digits. */
        private boolean digit(int at) {
            if (at >= s.length()) {
                return false;
            }
            char c = s.charAt(at);
            return c >= '0' && c <= '9';
        }

        private boolean commaOrPeriod(int at) {
            return at < s.length() && (s.charAt(at) == '.' || s.charAt(at) == ',');
        }

        private static int daysIn(int month, int year) {
            return switch (month) {
                case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
                case 4, 6, 9, 11 -> 30;
                default -> 31;
            };
        }
    }
}
