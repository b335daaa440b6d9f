package dev.deadlineguard.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.List;

/**
 * Prometheus metrics of the sweeper. The label values are created at start (value 0), so that every
 * series an alert rule or the dashboard reads exists before the first event.
 */
public final class SweepMetrics {

    /** {@code SweepDecision.Problem}, lower case. */
    public static final List<String> PROBLEMS = List.of("overdue", "stuck");
    public static final List<String> ACTIONS = List.of("scale_down", "repair");
    public static final List<String> RESULTS = List.of("done", "dry_run", "conflict", "failed");
    /** {@code SkipReason.label()} of every reason (SweepMetricsTest keeps the two in step). */
    /** The labels of {@code dev.deadlineguard.sweep.SkipReason}, in its order (MetricsFromStartTest keeps them equal). */
    public static final List<String> SKIP_REASONS = List.of("not_argo_managed", "being_deleted", "already_scaled_down",
            "no_deadline", "orphan", "owner_not_a_rollout", "rollout_missing", "owned_by_another_rollout",
            "rollout_status_stale", "no_pod_template_hash", "referenced_by_rollout", "unknown_revision", "newest_revision");
    public static final List<String> OPERATIONS = List.of("reconcile", "get", "patch");

    private final Gauge guarded;
    private final Gauge queueSize;
    private final Gauge leader;
    private final Gauge synced;
    private final Gauge connected;
    private final Counter due;
    private final Counter actions;
    private final Counter skipped;
    private final Counter reported;
    private final Counter errors;

    public SweepMetrics(PrometheusRegistry registry) {
        guarded = Gauge.builder().name("deadline_guard_sweeper_guarded_replicasets")
                .help("Argo-managed ReplicaSets in the sweeper's cache").register(registry);
        queueSize = Gauge.builder().name("deadline_guard_sweeper_queue_size")
                .help("ReplicaSets waiting in the deadline queue").register(registry);
        leader = Gauge.builder().name("deadline_guard_sweeper_leader")
                .help("1 while this replica holds the sweeper lease").register(registry);
        synced = Gauge.builder().name("deadline_guard_sweeper_informers_synced")
                .help("1 while the ReplicaSet and Rollout informers have synced and are watching (0 during an outage)").register(registry);
        connected = Gauge.builder().name("deadline_guard_sweeper_connected")
                .help("1 while the sweeper reaches the API server (0 before the first contact and during an outage)")
                .register(registry);
        due = Counter.builder().name("deadline_guard_sweeper_due_total")
                .help("ReplicaSets found overdue or stuck, by problem").labelNames("problem").register(registry);
        actions = Counter.builder().name("deadline_guard_sweeper_actions_total")
                .help("Sweeper writes, by action (scale_down, repair) and result (done, dry_run, conflict, failed)")
                .labelNames("action", "result").register(registry);
        skipped = Counter.builder().name("deadline_guard_sweeper_skipped_total")
                .help("ReplicaSets left alone, by reason").labelNames("reason").register(registry);
        reported = Counter.builder().name("deadline_guard_sweeper_reported_total")
                .help("Problems only reported because of the sweep mode, by problem").labelNames("problem").register(registry);
        errors = Counter.builder().name("deadline_guard_sweeper_errors_total")
                .help("API errors met by the sweeper, by operation").labelNames("operation").register(registry);
        leader.set(0);
        synced.set(0);
        connected.set(0);
        guarded.set(0);
        queueSize.set(0);
        PROBLEMS.forEach(p -> {
            due.labelValues(p);
            reported.labelValues(p);
        });
        ACTIONS.forEach(a -> RESULTS.forEach(r -> actions.labelValues(a, r)));
        SKIP_REASONS.forEach(skipped::labelValues);
        OPERATIONS.forEach(errors::labelValues);
    }

    public void guarded(int count) {
        guarded.set(count);
    }

    public void queueSize(int size) {
        queueSize.set(size);
    }

    public void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }

    public void synced(boolean isSynced) {
        synced.set(isSynced ? 1 : 0);
    }

    public void connected(boolean isConnected) {
        connected.set(isConnected ? 1 : 0);
    }

    public void due(String problem) {
        due.labelValues(problem).inc();
    }

    public void action(String action, String result) {
        actions.labelValues(action, result).inc();
    }

    public void skipped(String reason) {
        skipped.labelValues(reason).inc();
    }

    public void reported(String problem) {
        reported.labelValues(problem).inc();
    }

    public void error(String operation) {
        errors.labelValues(operation).inc();
    }
}
