package dev.deadlineguard.sweep;

import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.cluster.Backoff;
import dev.deadlineguard.metrics.SweepMetrics;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Decides and acts for one ReplicaSet key at a time: reads the latest object from the cache, decides
 * with {@link SweepPolicy}, acts through {@link ClusterActions}, and schedules the key again in the
 * {@link DeadlineQueue}: when it is next due, after a conflict re-read (409: read again and decide
 * again), or after capped, jittered backoff on any other API error.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final int MAX_CONFLICT_RETRIES = 3;

    private final ReplicaSetCache cache;
    private final DeadlineQueue queue;
    private final SweepConfig config;
    private final ClusterActions actions;
    private final SweepMetrics metrics;
    private final DecisionListener listener;
    private final Sweeper.SweepTally tally;
    private final Backoff backoff;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, String> reportedOnce = new ConcurrentHashMap<>();

    Reconciler(ReplicaSetCache cache, DeadlineQueue queue, SweepConfig config, ClusterActions actions, SweepMetrics metrics,
               DecisionListener listener, Sweeper.SweepTally tally, Backoff backoff) {
        this.cache = cache;
        this.queue = queue;
        this.config = config;
        this.actions = actions;
        this.metrics = metrics;
        this.listener = listener;
        this.tally = tally;
        this.backoff = backoff;
    }

    void reconcile(String key, Instant now) {
        try {
            ReplicaSet cached = cache.replicaSet(key);
            if (cached == null) {
                failures.remove(key);
                return;
            }
            decideAndAct(key, cached, now, 0);
        } catch (RuntimeException e) {
            LOG.error("sweeping {} failed; retrying with backoff", key, e);
            metrics.error("reconcile");
            backoff(key, now);
        }
    }

    /** The ReplicaSet is gone: forget what was remembered about it. */
    void forget(String namespace, String name) {
        String key = ReplicaSetCache.key(namespace, name);
        queue.remove(key);
        failures.remove(key);
        reportedOnce.remove(key);
        listener.removed(namespace, name);
    }

    private void decideAndAct(String key, ReplicaSet object, Instant now, int conflicts) {
        ArgoReplicaSet rs = ArgoReplicaSet.of(object);
        RolloutState rollout = rs.rolloutName() == null ? null : rollout(rs.namespace(), rs.rolloutName());
        SweepDecision decision = SweepPolicy.decide(rs, rollout, siblings(rs), now, config);
        listener.decided(key, rs, decision, now);
        if (decision instanceof SweepDecision.Wait wait) {
            queue.schedule(key, wait.at());
        } else if (decision instanceof SweepDecision.Skip skip) {
            metrics.skipped(skip.reason().label());
            tally.skipped(skip.reason());
            if (skip.retryAt() != null) {
                queue.scheduleNoLaterThan(key, skip.retryAt());
            }
        } else if (decision instanceof SweepDecision.Report report) {
            report(object, rs, report);
        } else if (decision instanceof SweepDecision.ScaleDown scaleDown) {
            act(key, object, rs, decision, now, conflicts, "scale_down",
                    () -> actions.scaleDown(object, config.guardedKeys()),
                    "ScaledDownPastDeadline", "Normal",
                    "deadline-guard scaled the ReplicaSet from " + scaleDown.replicas() + " to 0 replicas: " + scaleDown.key()
                            + " " + scaleDown.deadline() + " plus " + config.grace().toSeconds()
                            + "s grace has passed and the Rollout no longer references it");
        } else if (decision instanceof SweepDecision.Repair repair) {
            act(key, object, rs, decision, now, conflicts, "repair",
                    () -> actions.writeDeadline(object, repair.key(), repair.newValue()),
                    "RepairedScaleDownDeadline", "Warning",
                    "deadline-guard replaced " + describe(repair.oldValue()) + " " + repair.key() + " with "
                            + repair.newValue() + " so that Argo Rollouts scales the ReplicaSet ("
                            + repair.replicas() + " replicas) down; upgrade Argo Rollouts to v1.7.2 or later");
        }
    }

    private void act(String key, ReplicaSet object, ArgoReplicaSet rs, SweepDecision decision, Instant now, int conflicts,
                     String action, Supplier<ClusterActions.Result> write, String reason, String type, String message) {
        metrics.due(decision instanceof SweepDecision.ScaleDown ? "overdue" : "stuck");
        if (config.dryRun()) {
            LOG.info("dry run: would {} ReplicaSet {} (resourceVersion {}): {}", action.replace('_', ' '), key,
                    rs.resourceVersion(), message);
            metrics.action(action, "dry_run");
            tally.acted(action, key, true);
            return;
        }
        ClusterActions.Result result = write.get();
        switch (result) {
            case DONE -> {
                failures.remove(key);
                metrics.action(action, "done");
                tally.acted(action, key, false);
                LOG.info("{} ReplicaSet {}: {}", action.replace('_', ' '), key, message);
                actions.event(object, type, reason, message);
            }
            case CONFLICT -> {
                metrics.action(action, "conflict");
                if (conflicts >= MAX_CONFLICT_RETRIES) {
                    LOG.warn("ReplicaSet {} keeps changing under the sweeper; backing off", key);
                    backoff(key, now);
                    return;
                }
                ReplicaSet latest;
                try {
                    latest = actions.reread(rs.namespace(), rs.name());
                } catch (RuntimeException e) {
                    metrics.error("get");
                    backoff(key, now);
                    return;
                }
                if (latest != null) {
                    LOG.info("ReplicaSet {} changed since resourceVersion {}; deciding again on {}", key,
                            rs.resourceVersion(), latest.getMetadata().getResourceVersion());
                    decideAndAct(key, latest, now, conflicts + 1);
                }
            }
            case FAILED -> {
                metrics.action(action, "failed");
                metrics.error("patch");
                tally.recordFailure();
                backoff(key, now);
            }
        }
    }

    private void report(ReplicaSet object, ArgoReplicaSet rs, SweepDecision.Report report) {
        String problem = report.problem().name().toLowerCase(Locale.ROOT);
        metrics.due(problem);
        metrics.reported(problem);
        tally.reported(report.problem(), rs.key());
        String fingerprint = problem + "|" + report.value();
        if (!fingerprint.equals(reportedOnce.put(rs.key(), fingerprint)) && !config.dryRun()) {
            String message = report.problem() == SweepDecision.Problem.OVERDUE
                    ? "ReplicaSet still runs " + report.replicas() + " replicas although " + report.key() + " "
                    + report.value() + " plus " + config.grace().toSeconds() + "s grace has passed; sweep mode "
                    + config.mode().name().toLowerCase(Locale.ROOT) + " only reports it"
                    : "ReplicaSet runs " + report.replicas() + " replicas with " + describe(report.value()) + " "
                    + report.key() + ", so Argo Rollouts never scales it down; sweep mode report only reports it";
            actions.event(object, "Warning", report.problem() == SweepDecision.Problem.OVERDUE
                    ? "ScaleDownDeadlineOverdue" : "ScaleDownDeadlineBroken", message);
        }
    }

    private void backoff(String key, Instant now) {
        int attempt = failures.merge(key, 1, Integer::sum);
        queue.schedule(key, now.plus(backoff.delay(attempt, ThreadLocalRandom.current()::nextDouble)));
    }

    private static String describe(String value) {
        return value == null || value.isBlank() ? "the blank" : "the invalid value \"" + value + "\" of";
    }

    private RolloutState rollout(String namespace, String name) {
        return cache.rollout(namespace, name);
    }

    private List<ArgoReplicaSet> siblings(ArgoReplicaSet rs) {
        if (rs.rolloutName() == null) {
            return List.of(rs);
        }
        List<ArgoReplicaSet> result = new ArrayList<>(cache.ofRollout(rs.namespace(), rs.rolloutName()));
        if (result.stream().noneMatch(s -> Objects.equals(s.name(), rs.name()))) {
            result.add(rs);
        }
        return result;
    }

}
