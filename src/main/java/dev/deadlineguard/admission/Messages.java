package dev.deadlineguard.admission;

import dev.deadlineguard.policy.DeadlineCase;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.policy.KeyFinding;
import dev.deadlineguard.policy.Remedy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The human-readable text of every verdict: warnings, denial messages and audit annotations. Each
 * message names the ReplicaSet, the key, the old and new value and the action, contains no control
 * characters, and stays under {@link #MAX_MESSAGE} characters however long the names and values are.
 */
public final class Messages {

    /** Warnings and messages are kept below the apiserver's 256-character warning limit. */
    public static final int MAX_MESSAGE = 255;
    static final String UPGRADE = "upgrade Argo Rollouts to v1.7.2 or later";
    /** Values longer than this (never valid deadlines) are cut; values are never cut shorter to fit. */
    private static final int MAX_VALUE = 40;
    private static final int MAX_KEY = 64;

    /** How much explanation a message carries: full, without the asides, or terse. */
    private enum Prose { FULL, PLAIN, TERSE }

    /**
     * The shapes tried in turn until a message fits: the ReplicaSet name shrinks first, then the prose; the key
     * and the values (the old and the new deadline) always stay as they are.
     */
    private record Shape(int name, Prose prose) {
    }

    private static final Shape[] SHAPES = {
            new Shape(320, Prose.FULL), new Shape(120, Prose.FULL), new Shape(64, Prose.FULL), new Shape(64, Prose.PLAIN),
            new Shape(40, Prose.PLAIN), new Shape(40, Prose.TERSE), new Shape(24, Prose.TERSE), new Shape(16, Prose.TERSE),
            new Shape(8, Prose.TERSE)};

    private Messages() {
    }

    /** The warning the mutating webhook attaches to a repair. */
    public static String repaired(String replicaSet, KeyFinding finding) {
        return compose(replicaSet, finding, prose -> {
            String by = prose == Prose.TERSE ? "" : "deadline-guard ";
            return finding.remedy() == Remedy.RESTORE
                    ? by + "restored " + quote(finding.oldValue())
                    : by + "removed the key" + (prose == Prose.FULL ? " so the controller writes a fresh deadline" : "");
        });
    }

    /** The message of a validating denial: what happened and how to fix it. */
    public static String denied(String replicaSet, KeyFinding finding, int others) {
        return compose(replicaSet, finding, prose -> "denied" + more(others, prose) + ": " + fix(finding.deadlineCase(), prose));
    }

    /** The warning of the validating webhook in warn mode. */
    public static String wouldDeny(String replicaSet, KeyFinding finding) {
        return compose(replicaSet, finding, prose -> (prose == Prose.TERSE ? "enforce mode would deny it: "
                : "deadline-guard would deny this in enforce mode: ") + fix(finding.deadlineCase(), prose));
    }

    /** The warning when the server could not judge a request and let it through. */
    public static String failedOpen(String replicaSet, Throwable error) {
        return clip("deadline-guard could not check the update of ReplicaSet " + clip(replicaSet, 120)
                + " (internal error " + error.getClass().getSimpleName() + ") and allowed it unchecked", MAX_MESSAGE);
    }

    /** The value of the {@code auditAnnotations} entry: the action per violating key. */
    public static String audit(String verb, List<KeyFinding> violations) {
        return violations.stream()
                .map(f -> verb(verb, f) + " " + clip(f.key(), MAX_KEY) + " (" + f.deadlineCase().label() + ": "
                        + quote(f.oldValue()) + " -> " + quote(f.newValue()) + ")")
                .collect(Collectors.joining("; "));
    }

    private static String verb(String verb, KeyFinding f) {
        if (!verb.isEmpty()) {
            return verb;
        }
        return f.remedy() == Remedy.RESTORE ? "restored" : "removed";
    }

    /**
     * Tries the {@link #SHAPES} in turn: names shrink first, then the prose; the values, what happened and
     * the action stay whole for any realistic key length.
     */
    private static String compose(String replicaSet, KeyFinding f, java.util.function.Function<Prose, String> action) {
        String message = "";
        for (Shape shape : SHAPES) {
            message = clip(f.key(), MAX_KEY) + " on ReplicaSet " + clipName(replicaSet, shape.name()) + " "
                    + what(f, shape.prose()) + "; " + action.apply(shape.prose());
            if (message.length() <= MAX_MESSAGE) {
                return message;
            }
        }
        return clip(message, MAX_MESSAGE);
    }

    /** A {@code namespace/name} within {@code max}: the namespace gives way first, the name keeps its start. */
    private static String clipName(String replicaSet, int max) {
        int slash = replicaSet.indexOf('/');
        if (replicaSet.length() <= max || slash < 0) {
            return clip(replicaSet, max);
        }
        String namespace = replicaSet.substring(0, slash);
        String name = replicaSet.substring(slash + 1);
        String ns = clip(namespace, Math.min(namespace.length(), Math.max(8, max - 1 - name.length())));
        return ns + "/" + clip(name, Math.max(4, max - 1 - ns.length()));
    }

    private static String what(KeyFinding f, Prose prose) {
        String change = "(" + quote(f.oldValue()) + " -> " + quote(f.newValue()) + ")";
        if (prose == Prose.TERSE) {
            return f.deadlineCase().label().replace('_', ' ') + " " + change;
        }
        return switch (f.deadlineCase()) {
            case BLANKED -> "was blanked " + change;
            case BLANKED_NO_PRIOR -> "was set blank, no prior deadline " + change;
            case INVALID -> "was set to non-RFC 3339 " + change;
            case INVALID_NO_PRIOR -> "was set to non-RFC 3339, no prior deadline " + change;
            case DROPPED -> "was removed, replicas > 0 " + change;
            default -> f.deadlineCase().label() + " " + change;
        };
    }

    private static String fix(DeadlineCase c, Prose prose) {
        if (prose != Prose.FULL) {
            String upgrade = prose == Prose.TERSE ? "upgrade Argo Rollouts to v1.7.2+" : UPGRADE;
            return switch (c) {
                case INVALID, INVALID_NO_PRIOR -> "write RFC 3339 or " + upgrade;
                default -> upgrade;
            };
        }
        return switch (c) {
            case BLANKED, BLANKED_NO_PRIOR -> UPGRADE + " (v1.7.0 and v1.7.1 blank it after a 409 conflict)";
            case INVALID, INVALID_NO_PRIOR -> "write RFC 3339 (2024-08-01T15:13:36Z) or " + UPGRADE;
            case DROPPED -> "only Argo Rollouts or a scale-down to 0 may remove it; " + UPGRADE;
            default -> UPGRADE;
        };
    }

    private static String more(int others, Prose prose) {
        if (others <= 0) {
            return "";
        }
        return prose == Prose.TERSE ? " (+" + others + " more)"
                : " (and " + others + " more guarded key" + (others == 1 ? "" : "s") + ")";
    }

    /** A value for a message: quoted, escaped and clipped; {@code absent} for a missing key. */
    static String quote(DeadlineValue value) {
        return quote(value, MAX_VALUE);
    }

    private static String quote(DeadlineValue value, int max) {
        return value.isAbsent() ? "absent" : "\"" + clip(value.raw(), max) + "\"";
    }

    /**
     * Makes text safe for a message: control and other invisible characters become {@code \\uXXXX}
     * escapes, and text longer than {@code max} is cut with {@code ...}.
     */
    public static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length() && out.length() <= max; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.LINE_SEPARATOR
                    || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR
                    || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED) {
                out.append(String.format("\\u%04x", cp & 0xFFFF));
            } else {
                out.appendCodePoint(cp);
            }
        }
        if (out.length() <= max) {
            return out.toString();
        }
        int cut = Math.max(0, max - 3);
        if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
            cut--;
        }
        return out.substring(0, cut) + "...";
    }
}
