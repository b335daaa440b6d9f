package dev.deadlineguard.core;

import java.util.UUID;

/**
 * Values in the exact form the API server or Argo Rollouts writes them, which can be kept as numbers and read back as
 * the very same text: the caches that hold one entry per ReplicaSet (the sweeper's, the report writer's) pack such
 * values and keep anything else as its text.
 */
public final class Canonical {

    private Canonical() {
    }

    /** The UUID whose {@code toString()} gives back exactly {@code text}, or {@code null}. */
    public static UUID uuid(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equals(text) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** ASCII digits, at most {@code maxDigits}, without a leading zero (except {@code 0} itself). */
    public static boolean decimal(String text, int maxDigits) {
        if (text == null || text.isEmpty() || text.length() > maxDigits || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A deadline that formats back to exactly itself ({@link Rfc3339#format}): whole seconds in UTC with {@code Z}, as
     * Argo writes it.
     */
    public static boolean deadline(String value) {
        if (value == null || value.length() != 20) {
            return false;
        }
        return Rfc3339.parse(value).map(instant -> Rfc3339.format(instant).equals(value)).orElse(false);
    }
}
