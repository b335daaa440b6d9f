package dev.deadlineguard.report;

/**
 * A result as far as choosing and counting a report's results read it: which ReplicaSet, which rule, which value. The
 * report writer ranks its packed results by this and makes a {@link Finding} (message, properties) only of those a
 * report shows.
 */
public interface RankedResult {

    String name();

    ReportRule rule();

    ResultValue result();
}
