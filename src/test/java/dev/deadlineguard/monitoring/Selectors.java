package dev.deadlineguard.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series selectors of a PromQL expression ({@code name{label="v",other=~"a|b"}}), found with a small
 * scanner: enough for the expressions of this project's rules and dashboard, which it is tested on.
 */
final class Selectors {

    /** One label matcher; a value with a Grafana variable ({@code $pod}) matches anything. */
    record Matcher1(String label, String op, String value) {
        boolean matches(String actual) {
            if (value.contains("$")) {
                return true;
            }
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> v.matches(value);
                case "!~" -> !v.matches(value);
                default -> throw new IllegalStateException(op);
            };
        }
    }

    record Selector(String metric, List<Matcher1> matchers) {
        boolean matches(Sample sample) {
            return sample.name().equals(metric) && matchers.stream().allMatch(m -> m.matches(sample.labels().get(m.label())));
        }

        @Override
        public String toString() {
            return metric + matchers.stream().map(m -> m.label() + m.op() + "\"" + m.value() + "\"").toList();
        }
    }

    /** One line of the text exposition. */
    record Sample(String name, Map<String, String> labels) {
    }

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern TOKEN = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    private Selectors() {
    }

    static List<Selector> of(String expr) {
        String text = RANGE.matcher(GROUPING.matcher(expr).replaceAll(" ")).replaceAll(" ");
        List<Selector> selectors = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            int end = m.end(1);
            boolean isFunction = m.group(2) == null && text.substring(end).stripLeading().startsWith("(");
            boolean afterDigit = m.start() > 0 && (Character.isDigit(text.charAt(m.start() - 1)) || text.charAt(m.start() - 1) == '.');
            if (isFunction || afterDigit || KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            List<Matcher1> matchers = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher lm = MATCHER.matcher(m.group(2));
                while (lm.find()) {
                    matchers.add(new Matcher1(lm.group(1), lm.group(2), lm.group(3)));
                }
            }
            selectors.add(new Selector(name, matchers));
        }
        return selectors;
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");

    /** The samples of a Prometheus text exposition (comments skipped). */
    static List<Sample> samples(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher lm = MATCHER.matcher(m.group(3));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(3));
                }
            }
            samples.add(new Sample(m.group(1), labels));
        }
        return samples;
    }
}
