package dev.deadlineguard.report;

import java.util.Collection;

/** Counts of results by value; the PolicyReport {@code summary}. */
public record Summary(int pass, int fail, int warn, int error, int skip) {

    public static Summary of(Collection<? extends RankedResult> findings) {
        int[] counts = new int[ResultValue.values().length];
        findings.forEach(f -> counts[f.result().ordinal()]++);
        return new Summary(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    public int total() {
        return pass + fail + warn + error + skip;
    }
}
