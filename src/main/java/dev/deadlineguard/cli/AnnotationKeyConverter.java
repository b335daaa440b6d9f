package dev.deadlineguard.cli;

import picocli.CommandLine;

import java.util.regex.Pattern;

/**
 * An annotation key as Kubernetes validates it (a qualified name): an optional DNS-subdomain prefix of
 * at most 253 characters and {@code /}, then a name of at most 63 characters of {@code [A-Za-z0-9._-]}
 * that begins and ends with a letter or digit. A key the apiserver would never accept can never match.
 */
final class AnnotationKeyConverter implements CommandLine.ITypeConverter<String> {

    static final String EXPECTED = "expected an annotation key such as scale-down-deadline or example.com/deadline: "
            + "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', beginning and ending "
            + "with a letter or digit";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @Override
    public String convert(String value) {
        String key = value.strip();
        if (key.isEmpty()) {
            return key;  // "a,,b": empty items are dropped
        }
        if (!isValid(key)) {
            throw new CommandLine.TypeConversionException(EXPECTED);
        }
        return key;
    }

    static boolean isValid(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches()) {
                return false;
            }
        }
        return NAME.matcher(name).matches();
    }
}
