package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A syntax error in JSON (or YAML) input as one line in plain words: where it is and what is wrong,
 * without the parser's internal vocabulary (token names, feature flags, source excerpts).
 */
public final class JsonSyntax {

    private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("Unexpected character \\('(.{1,8}?)' \\(code \\d+\\)\\)");
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("Unrecognized token '(.{0,40})'");

    private JsonSyntax() {
    }

    /** For example {@code at line 2, column 1: the input ends early (truncated?)}. */
    public static String describe(JsonProcessingException e) {
        return location(e.getLocation()) + reason(e);
    }

    private static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : "at line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof JsonEOFException || message.startsWith("Unexpected end-of-input")) {
            return "the input ends early (truncated?)";
        }
        Matcher character = UNEXPECTED_CHARACTER.matcher(message);
        if (character.lookingAt()) {
            return "unexpected character '" + character.group(1) + "'";
        }
        Matcher token = UNRECOGNIZED_TOKEN.matcher(message);
        if (token.lookingAt()) {
            return "unexpected word '" + token.group(1) + "'; expected a string, number, object, array, true, false or null";
        }
        if (message.startsWith("Trailing token")) {
            return "more data after the end of the document";
        }
        if (message.contains("control character")) {
            return "a control character inside a string (escape it)";
        }
        // YAML: "while parsing ...\n in 'reader', line 1...\n    excerpt\nexpected ',' or ']', but got <stream end>"
        String first = message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .reduce((a, b) -> b).orElse("").strip();
        int cut = first.indexOf(" (");
        first = cut > 0 ? first.substring(0, cut) : first;
        int colon = first.indexOf(": ");
        first = colon > 0 ? first.substring(0, colon) : first;
        return first.isEmpty() ? "not valid syntax" : Messages.clip(Character.toLowerCase(first.charAt(0)) + first.substring(1), 160);
    }
}
