package dev.deadlineguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.SweepDecision;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one policy report per namespace current in the cluster, from the sweeper's decisions. Results
 * keep their timestamp while they stay the same, and a report is written only when its content
 * changed: no hot loop. A namespace with no guarded ReplicaSets left loses its report. When a report
 * CRD is not installed, it says so once and carries on without that format.
 */
public final class ReportWriter implements DecisionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubernetesClient client;
    private final List<ReportFormat> formats;
    private final Duration grace;
    private final List<String> guardedKeys;
    private final int cap;
    private final Counter writes;
    private final Map<String, Map<String, List<Finding>>> state = new TreeMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<ReportFormat> missingCrds = java.util.EnumSet.noneOf(ReportFormat.class);
    private ScheduledExecutorService scheduler;

    public ReportWriter(KubernetesClient client, List<ReportFormat> formats, Duration grace, List<String> guardedKeys, int cap,
                        PrometheusRegistry registry) {
        this.client = client;
        this.formats = List.copyOf(formats);
        this.grace = grace;
        this.guardedKeys = List.copyOf(guardedKeys);
        this.cap = cap;
        this.writes = Counter.builder().name("deadline_guard_report_writes_total")
                .help("Policy report writes, by kind and result (created, updated, deleted, unchanged, failed)")
                .labelNames("kind", "result").register(registry);
    }

    @Override
    public synchronized void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now) {
        if (decision instanceof SweepDecision.Skip skip && skip.reason() == dev.deadlineguard.sweep.SkipReason.NOT_ARGO_MANAGED) {
            return;
        }
        List<Finding> fresh = DeadlineRules.evaluate(rs, decision, now, grace, guardedKeys, false);
        Map<String, List<Finding>> namespace = state.computeIfAbsent(rs.namespace(), ns -> new TreeMap<>());
        List<Finding> previous = namespace.get(rs.name());
        List<Finding> merged = new ArrayList<>(fresh.size());
        boolean changed = previous == null || previous.size() != fresh.size();
        for (int i = 0; i < fresh.size(); i++) {
            Finding f = fresh.get(i);
            Finding old = previous == null || i >= previous.size() ? null : previous.get(i);
            if (f.sameContent(old)) {
                merged.add(old);  // keep the time the result was first reached
            } else {
                merged.add(f);
                changed = true;
            }
        }
        if (changed) {
            namespace.put(rs.name(), merged);
            dirty.add(rs.namespace());
        }
    }

    @Override
    public synchronized void removed(String namespace, String name) {
        Map<String, List<Finding>> ns = state.get(namespace);
        if (ns != null && ns.remove(name) != null) {
            dirty.add(namespace);
        }
    }

    /** Writes every namespace whose content changed since the last flush. */
    public void flush() {
        Map<String, NamespaceReport> reports = new HashMap<>();
        Set<String> namespaces;
        synchronized (this) {
            namespaces = new LinkedHashSet<>(dirty);
            dirty.clear();
            for (String ns : namespaces) {
                List<Finding> all = new ArrayList<>();
                state.getOrDefault(ns, Map.of()).values().forEach(all::addAll);
                reports.put(ns, NamespaceReport.build(all, cap).get(ns));
                if (all.isEmpty()) {
                    state.remove(ns);
                }
            }
        }
        for (String ns : namespaces) {
            for (ReportFormat format : formats) {
                if (!missingCrds.contains(format)) {
                    write(ns, reports.get(ns), format);
                }
            }
        }
    }

    private void write(String namespace, NamespaceReport report, ReportFormat format) {
        Resource<GenericKubernetesResource> resource = client.genericKubernetesResources(ReportResources.of(format))
                .inNamespace(namespace).withName(ReportFormat.NAME);
        try {
            GenericKubernetesResource existing = resource.get();
            if (report == null) {
                if (existing != null) {
                    resource.delete();
                    count(format, "deleted");
                }
                return;
            }
            ObjectNode rendered = format.render(report);
            GenericKubernetesResource desired = MAPPER.treeToValue(rendered, GenericKubernetesResource.class);
            if (existing == null) {
                client.genericKubernetesResources(ReportResources.of(format)).inNamespace(namespace).resource(desired).create();
                count(format, "created");
            } else if (sameContent(existing, rendered)) {
                count(format, "unchanged");
            } else {
                desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                client.genericKubernetesResources(ReportResources.of(format)).inNamespace(namespace).resource(desired).update();
                count(format, "updated");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 && missingCrds.add(format)) {
                LOG.warn("the {} CRD ({}) is not installed: deadline-guard writes no {} reports; install the CRD to get them",
                        format.kind(), format.apiVersion(), format.kind());
                return;
            }
            count(format, "failed");
            synchronized (this) {
                dirty.add(namespace);  // try again on the next flush
            }
            LOG.warn("writing {} {}/{} failed: HTTP {} {}", format.kind(), namespace, ReportFormat.NAME, e.getCode(), e.getMessage());
        } catch (java.io.IOException | IllegalArgumentException e) {
            count(format, "failed");
            LOG.error("could not render the {} for {}", format.kind(), namespace, e);
        }
    }

    private static boolean sameContent(GenericKubernetesResource existing, ObjectNode rendered) {
        JsonNode current = MAPPER.valueToTree(existing);
        for (String field : List.of("summary", "results")) {
            if (!rendered.path(field).equals(current.path(field))) {
                return false;
            }
        }
        return rendered.path("metadata").path("annotations").equals(current.path("metadata").path("annotations"));
    }

    private void count(ReportFormat format, String result) {
        writes.labelValues(format.kind(), result).inc();
    }

    public void start(Duration period) {
        synchronized (this) {
            if (scheduler != null) {
                return;
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "report-writer");
                t.setDaemon(true);
                return t;
            });
        }
        long millis = Math.max(100, period.toMillis());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.error("writing policy reports failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
