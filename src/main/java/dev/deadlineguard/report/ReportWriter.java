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
import java.util.IdentityHashMap;
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
 * changed: no hot loop. A namespace with no guarded ReplicaSets left loses its report.
 * <p>
 * Whether a report CRD is installed is asked of discovery, and asked again every
 * {@link #CRD_RECHECK} (at once after a 404), so that a CRD installed after start gets reports
 * within about a minute; each change is said once. A namespace that refuses a write (403 while it
 * terminates, 404 once it is gone) is that namespace's problem only: it is retried with backoff and
 * said once per change, while every other namespace is written as usual.
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
    /**
     * Per namespace, per ReplicaSet ({@code namespace/name}, the sweeper cache's string, so sorted by name within the
     * namespace): its results, packed (about 0.13 KiB each with the map's entry; see {@link KeptResults}).
     */
    private final Map<String, Map<String, KeptResults>> state = new TreeMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Map<ReportFormat, Boolean> installed = new java.util.EnumMap<>(ReportFormat.class);
    private final Map<String, Trouble> troubles = new HashMap<>();
    private final java.util.function.LongSupplier nanoTime;
    private long crdsCheckedAt;
    private boolean crdsChecked;
    private ScheduledExecutorService scheduler;

    /** How often the report CRDs are looked up in discovery again. */
    public static final Duration CRD_RECHECK = Duration.ofSeconds(30);
    static final dev.deadlineguard.cluster.Backoff NAMESPACE_BACKOFF = new dev.deadlineguard.cluster.Backoff(
            Duration.ofSeconds(10), Duration.ofMinutes(5), 0.2);

    /** A namespace and format whose last write failed: when to try again, and what was said. */
    private record Trouble(String said, int attempts, long retryAt) {
    }

    public ReportWriter(KubernetesClient client, List<ReportFormat> formats, Duration grace, List<String> guardedKeys, int cap,
                        PrometheusRegistry registry) {
        this(client, formats, grace, guardedKeys, cap, registry, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock for the CRD re-check and the per-namespace backoff (tests move it by hand) */
    ReportWriter(KubernetesClient client, List<ReportFormat> formats, Duration grace, List<String> guardedKeys, int cap,
                 PrometheusRegistry registry, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.client = client;
        this.formats = List.copyOf(formats);
        this.grace = grace;
        this.guardedKeys = List.copyOf(guardedKeys);
        this.cap = cap;
        this.writes = Counter.builder().name("deadline_guard_report_writes_total")
                .help("Policy report writes, by kind and result (created, updated, deleted, unchanged, failed)")
                .labelNames("kind", "result").register(registry);
        for (ReportFormat format : this.formats) {
            for (String result : List.of("created", "updated", "deleted", "unchanged", "failed")) {
                writes.labelValues(format.kind(), result);  // exported as 0 from start, for the alert rules
            }
        }
    }

    @Override
    public void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now) {
        decided(rs.key(), rs, decision, now);
    }

    /** @param key {@code namespace/name}, the cache's string: kept as the key of the ReplicaSet's results */
    @Override
    public synchronized void decided(String key, ArgoReplicaSet rs, SweepDecision decision, Instant now) {
        if (decision instanceof SweepDecision.Skip skip && skip.reason() == dev.deadlineguard.sweep.SkipReason.NOT_ARGO_MANAGED) {
            return;
        }
        DeadlineRules.Subject subject = DeadlineRules.Subject.of(rs, guardedKeys);
        SweepDecision reported = KeptResults.reported(decision);
        List<Finding> fresh = DeadlineRules.evaluate(subject, reported, now, grace, false);
        Map<String, KeptResults> namespace = state.computeIfAbsent(rs.namespace(), ns -> new TreeMap<>());
        KeptResults previous = namespace.get(key);
        if (previous != null && previous.sameAs(subject, reported, grace, fresh.get(0).result(), fresh.get(1).result())) {
            return;  // the same content (the resync's common case): nothing to make again
        }
        List<Finding> before = previous == null ? null : previous.findings(rs.namespace(), rs.name(), grace);
        List<Finding> merged = new ArrayList<>(fresh.size());
        boolean changed = before == null;
        for (int i = 0; i < fresh.size(); i++) {
            Finding f = fresh.get(i);
            Finding old = before == null ? null : before.get(i);
            if (f.sameContent(old)) {
                merged.add(old);  // keep the time the result was first reached
            } else {
                merged.add(f);
                changed = true;
            }
        }
        if (changed) {
            namespace.put(key, KeptResults.of(subject, reported, grace, merged));
            dirty.add(rs.namespace());
        }
    }

    @Override
    public synchronized void removed(String namespace, String name) {
        Map<String, KeptResults> ns = state.get(namespace);
        if (ns != null && ns.remove(namespace + "/" + name) != null) {
            dirty.add(namespace);
        }
    }

    /** Writes every namespace whose content changed since the last flush, in every installed format. */
    public void flush() {
        refreshCrds();
        Map<String, NamespaceReport> reports = new HashMap<>();
        Set<String> namespaces;
        synchronized (this) {
            namespaces = new LinkedHashSet<>(dirty);
            dirty.clear();
            for (String ns : namespaces) {
                reports.put(ns, report(ns));
                if (reports.get(ns) == null) {
                    state.remove(ns);
                }
            }
        }
        for (String ns : namespaces) {
            for (ReportFormat format : formats) {
                if (!Boolean.TRUE.equals(installed.get(format))) {
                    continue;
                }
                Trouble trouble = troubles.get(troubleKey(ns, format));
                if (trouble != null && nanoTime.getAsLong() - trouble.retryAt() < 0) {
                    synchronized (this) {
                        dirty.add(ns);  // not yet: the next flush after the backoff tries again
                    }
                    continue;
                }
                write(ns, reports.get(ns), format);
            }
        }
    }

    /** One result of a kept ReplicaSet, for ranking: its message and properties are made only if it is shown. */
    private record Ranked(String name, ReportRule rule, ResultValue result, KeptResults kept) implements RankedResult {
    }

    /** The report of one namespace as it is now, or {@code null} when it has no guarded ReplicaSets. */
    synchronized NamespaceReport report(String namespace) {
        Map<String, KeptResults> kept = state.getOrDefault(namespace, Map.of());
        if (kept.isEmpty()) {
            return null;
        }
        List<Ranked> all = new ArrayList<>(kept.size() * 2);
        kept.forEach((key, results) -> {
            String name = key.substring(namespace.length() + 1);
            for (ReportRule rule : ReportRule.values()) {
                all.add(new Ranked(name, rule, results.result(rule), results));
            }
        });
        Map<KeptResults, List<Finding>> made = new IdentityHashMap<>();
        return NamespaceReport.of(namespace, all, cap, r -> made.computeIfAbsent(r.kept(),
                k -> k.findings(namespace, r.name(), grace)).get(r.rule().ordinal()));
    }

    /** Asks discovery which report CRDs are served, at start and every {@link #CRD_RECHECK}; says each change once. */
    private void refreshCrds() {
        long now = nanoTime.getAsLong();
        if (crdsChecked && now - crdsCheckedAt < CRD_RECHECK.toNanos()) {
            return;
        }
        crdsChecked = true;
        crdsCheckedAt = now;
        for (ReportFormat format : formats) {
            Boolean was = installed.get(format);
            boolean is;
            try {
                io.fabric8.kubernetes.api.model.APIResourceList served = client.getApiResources(format.apiVersion());
                is = served != null && served.getResources().stream().anyMatch(r -> format.kind().equals(r.getKind()));
            } catch (KubernetesClientException e) {
                continue;  // the API server is not answering: keep what was known, the sweeper's status says why
            }
            installed.put(format, is);
            if (!is && !Boolean.FALSE.equals(was)) {
                LOG.warn("the {} CRD ({}) is not installed: deadline-guard writes no {} reports until it is (checked "
                        + "again every {}s)", format.kind(), format.apiVersion(), format.kind(), CRD_RECHECK.toSeconds());
            } else if (is && Boolean.FALSE.equals(was)) {
                LOG.info("the {} CRD ({}) is installed now: writing {} reports", format.kind(), format.apiVersion(),
                        format.kind());
            }
            if (is && !Boolean.TRUE.equals(was)) {
                synchronized (this) {
                    dirty.addAll(state.keySet());  // every namespace gets its report in the new format
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
                recovered(namespace, format);
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
            recovered(namespace, format);
        } catch (KubernetesClientException e) {
            count(format, "failed");
            if (e.getCode() == 404) {
                crdsChecked = false;  // the CRD may have gone: ask discovery again on the next flush
            }
            failed(namespace, format, dev.deadlineguard.cluster.ConnectionProblem.describe(e));
        } catch (java.io.IOException | IllegalArgumentException e) {
            count(format, "failed");
            LOG.error("could not render the {} for {}", format.kind(), namespace, e);
        }
    }

    /** One namespace refused a write: retry it alone with backoff; say so when what went wrong changes. */
    private void failed(String namespace, ReportFormat format, String problem) {
        String key = troubleKey(namespace, format);
        Trouble before = troubles.get(key);
        int attempts = before == null ? 1 : before.attempts() + 1;
        long delay = NAMESPACE_BACKOFF.delay(attempts, java.util.concurrent.ThreadLocalRandom.current()::nextDouble).toNanos();
        troubles.put(key, new Trouble(problem, attempts, nanoTime.getAsLong() + delay));
        if (before == null || !before.said().equals(problem)) {
            LOG.warn("writing {} {}/{} failed: {}; retrying this namespace with backoff, other namespaces are not affected",
                    format.kind(), namespace, ReportFormat.NAME, problem);
        }
        synchronized (this) {
            dirty.add(namespace);
        }
    }

    private void recovered(String namespace, ReportFormat format) {
        Trouble before = troubles.remove(troubleKey(namespace, format));
        if (before != null) {
            LOG.info("writing {} {}/{} works again", format.kind(), namespace, ReportFormat.NAME);
        }
    }

    private static String troubleKey(String namespace, ReportFormat format) {
        return format.name() + "/" + namespace;
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
