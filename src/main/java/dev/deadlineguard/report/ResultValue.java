package dev.deadlineguard.report;

import java.util.Locale;

/** A policy report result, as the PolicyReport CRD spells it. */
public enum ResultValue {
    PASS, FAIL, WARN, ERROR, SKIP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
