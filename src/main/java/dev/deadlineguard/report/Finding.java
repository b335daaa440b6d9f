package dev.deadlineguard.report;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One result of one rule on one ReplicaSet.
 *
 * @param timestamp when this result was reached (kept while the result stays the same)
 */
public record Finding(String namespace, String name, String uid, ReportRule rule, ResultValue result, String message,
                      SortedMap<String, String> properties, Instant timestamp)
        implements RankedResult {

    public Finding {
        properties = new TreeMap<>(properties);
    }

    /** Equal in everything but the timestamp. */
    public boolean sameContent(Finding other) {
        return other != null && namespace.equals(other.namespace) && name.equals(other.name)
                && java.util.Objects.equals(uid, other.uid) && rule == other.rule && result == other.result
                && message.equals(other.message) && properties.equals(other.properties);
    }

    /** The same result, reached at {@code time}. */
    public Finding at(Instant time) {
        return new Finding(namespace, name, uid, rule, result, message, properties, time);
    }

    static SortedMap<String, String> props(Map<String, String> values) {
        return new TreeMap<>(values);
    }
}
