package dev.deadlineguard.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The report of one namespace: results in a fixed order, at most {@code cap} of them (failures first),
 * and a summary that counts all of them.
 */
public record NamespaceReport(String namespace, List<Finding> results, Summary summary, int total, int replicaSets) {

    /** Results per report. A PolicyReport is one etcd object (1.5 MiB); 1,000 results stay far below it. */
    public static final int DEFAULT_CAP = 1000;

    /** Which results a capped report keeps: failures, warnings and errors first. */
    static final Comparator<RankedResult> ORDER = Comparator
            .comparing((RankedResult f) -> f.result() == ResultValue.PASS || f.result() == ResultValue.SKIP)
            .thenComparing(RankedResult::name)
            .thenComparing(RankedResult::rule);
    /** The order of the results in a report. */
    static final Comparator<RankedResult> SHOWN = Comparator.comparing(RankedResult::name).thenComparing(RankedResult::rule);

    public NamespaceReport {
        results = List.copyOf(results);
    }

    public boolean truncated() {
        return results.size() < total;
    }

    /** One report per namespace, sorted by namespace. */
    public static Map<String, NamespaceReport> build(Collection<Finding> findings, int cap) {
        Map<String, List<Finding>> byNamespace = new TreeMap<>();
        for (Finding f : findings) {
            byNamespace.computeIfAbsent(f.namespace(), ns -> new ArrayList<>()).add(f);
        }
        Map<String, NamespaceReport> reports = new TreeMap<>();
        byNamespace.forEach((ns, list) -> reports.put(ns, of(ns, list, cap, f -> f)));
        return reports;
    }

    /**
     * The report of one namespace from all its results, ranked and counted as they are; {@code finding} is asked only
     * for the results the report shows.
     */
    static <T extends RankedResult> NamespaceReport of(String namespace, List<T> all, int cap,
                                                       Function<? super T, Finding> finding) {
        List<T> sorted = new ArrayList<>(all);
        sorted.sort(ORDER);
        List<T> shown = new ArrayList<>(sorted.size() > cap ? sorted.subList(0, cap) : sorted);
        shown.sort(SHOWN);
        int replicaSets = (int) all.stream().map(RankedResult::name).distinct().count();
        List<Finding> results = new ArrayList<>(shown.size());
        for (T result : shown) {
            results.add(finding.apply(result));
        }
        return new NamespaceReport(namespace, results, Summary.of(all), all.size(), replicaSets);
    }
}
