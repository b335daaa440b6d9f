package dev.deadlineguard.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of one namespace: results in a fixed order, at most {@code cap} of them (failures first),
 * and a summary that counts all of them.
 */
public record NamespaceReport(String namespace, List<Finding> results, Summary summary, int total, int replicaSets) {

    /** Results per report. A PolicyReport is one etcd object (1.5 MiB); 1,000 results stay far below it. */
    public static final int DEFAULT_CAP = 1000;

    static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.result() == ResultValue.PASS || f.result() == ResultValue.SKIP)
            .thenComparing(Finding::name)
            .thenComparing(Finding::rule);

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
        byNamespace.forEach((ns, list) -> {
            List<Finding> sorted = new ArrayList<>(list);
            sorted.sort(ORDER);
            List<Finding> shown = sorted.size() > cap ? sorted.subList(0, cap) : sorted;
            shown = new ArrayList<>(shown);
            shown.sort(Comparator.comparing(Finding::name).thenComparing(Finding::rule));
            int replicaSets = (int) list.stream().map(Finding::name).distinct().count();
            reports.put(ns, new NamespaceReport(ns, shown, Summary.of(list), list.size(), replicaSets));
        });
        return reports;
    }
}
