package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.metrics.SweepMetrics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Informers for Argo-managed ReplicaSets and Rollouts feed a {@link DeadlineQueue}; a worker (only on
 * the leader) wakes when a key is due, re-reads the latest object from the informer cache, decides
 * with {@link SweepPolicy} and acts through {@link ClusterActions}. A 409 re-reads from the API server
 * and decides again; other API errors back off with jitter. Nothing is decided before both informers
 * have synced.
 */
public final class Sweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    static final String ROLLOUT_INDEX = "rollout";
    static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);
    static final int MAX_CONFLICT_RETRIES = 3;
    /** The worker re-checks the clock at least this often. */
    static final long MAX_WAIT_MILLIS = 1000;

    private final KubernetesClient client;
    private final SweepConfig config;
    private final ClusterActions actions;
    private final Clock clock;
    private final SweepMetrics metrics;
    private final DecisionListener listener;
    private final DeadlineQueue queue = new DeadlineQueue();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, String> reportedOnce = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<ReplicaSet>> replicaSetInformers = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> rolloutInformers = new ArrayList<>();
    private final SweepTally tally = new SweepTally();
    private volatile Thread worker;

    public Sweeper(KubernetesClient client, SweepConfig config, ClusterActions actions, Clock clock, SweepMetrics metrics,
                   DecisionListener listener) {
        this.client = client;
        this.config = config;
        this.actions = actions;
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
    }

    /** Starts the informers (every replica runs them, so that a new leader starts warm). */
    public void startInformers(Duration resync) {
        List<String> namespaces = config.namespaces().isEmpty() ? java.util.Collections.singletonList(null) : config.namespaces();
        for (String ns : namespaces) {
            SharedIndexInformer<ReplicaSet> rs = (ns == null
                    ? client.apps().replicaSets().inAnyNamespace().withLabel(ArgoReplicaSet.HASH_LABEL)
                    : client.apps().replicaSets().inNamespace(ns).withLabel(ArgoReplicaSet.HASH_LABEL))
                    .runnableInformer(resync.toMillis());
            rs.addIndexers(Map.of(ROLLOUT_INDEX, r -> {
                String owner = ArgoReplicaSet.of(r).rolloutName();
                return owner == null ? List.of() : List.of(r.getMetadata().getNamespace() + "/" + owner);
            }));
            rs.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ReplicaSet obj) {
                    queue.schedule(key(obj.getMetadata().getNamespace(), obj.getMetadata().getName()), clock.instant());
                }

                @Override
                public void onUpdate(ReplicaSet oldObj, ReplicaSet newObj) {
                    onAdd(newObj);
                }

                @Override
                public void onDelete(ReplicaSet obj, boolean deletedFinalStateUnknown) {
                    String key = key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
                    queue.remove(key);
                    failures.remove(key);
                    reportedOnce.remove(key);
                    listener.removed(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
                }
            });
            SharedIndexInformer<GenericKubernetesResource> rollouts = (ns == null
                    ? client.genericKubernetesResources(RolloutResources.ROLLOUTS).inAnyNamespace()
                    : client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(ns))
                    .runnableInformer(resync.toMillis());
            rollouts.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource obj) {
                    enqueueReplicaSetsOf(obj);
                }

                @Override
                public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                    enqueueReplicaSetsOf(newObj);
                }

                @Override
                public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                    enqueueReplicaSetsOf(obj);
                }
            });
            replicaSetInformers.add(rs);
            rolloutInformers.add(rollouts);
        }
        replicaSetInformers.forEach(SharedIndexInformer::start);
        rolloutInformers.forEach(SharedIndexInformer::start);
        LOG.info("sweeper watching Argo-managed ReplicaSets and Rollouts in {} (mode {}{})",
                config.namespaces().isEmpty() ? "all namespaces" : config.namespaces(),
                config.mode().name().toLowerCase(java.util.Locale.ROOT), config.dryRun() ? ", dry run" : "");
    }

    /** Both informers have listed everything once. */
    public boolean hasSynced() {
        boolean synced = !replicaSetInformers.isEmpty()
                && replicaSetInformers.stream().allMatch(SharedIndexInformer::hasSynced)
                && rolloutInformers.stream().allMatch(SharedIndexInformer::hasSynced);
        metrics.synced(synced);
        return synced;
    }

    /** Schedules every cached ReplicaSet for a decision now (for {@code sweep --once}). */
    public int enqueueAll() {
        Instant now = clock.instant();
        int n = 0;
        for (SharedIndexInformer<ReplicaSet> informer : replicaSetInformers) {
            for (ReplicaSet rs : informer.getStore().list()) {
                queue.schedule(key(rs.getMetadata().getNamespace(), rs.getMetadata().getName()), now);
                n++;
            }
        }
        return n;
    }

    /**
     * Decides and acts on every key due now. Does nothing before the informers have synced: nothing is
     * decided on partial information.
     *
     * @return how many keys were processed
     */
    public int runDue() {
        if (!hasSynced()) {
            return 0;
        }
        Instant now = clock.instant();
        List<String> due = queue.takeDue(now);
        for (String key : due) {
            try {
                reconcile(key, now, 0);
            } catch (RuntimeException e) {
                LOG.error("sweeping {} failed; retrying with backoff", key, e);
                metrics.error("reconcile");
                backoff(key, now);
            }
        }
        metrics.guarded(guardedCount());
        metrics.queueSize(queue.size());
        return due.size();
    }

    private void reconcile(String key, Instant now, int conflicts) {
        ReplicaSet cached = cachedReplicaSet(key);
        if (cached == null) {
            failures.remove(key);
            return;
        }
        decideAndAct(key, cached, now, conflicts);
    }

    private void decideAndAct(String key, ReplicaSet object, Instant now, int conflicts) {
        ArgoReplicaSet rs = ArgoReplicaSet.of(object);
        RolloutState rollout = rs.rolloutName() == null ? null : cachedRollout(rs.namespace(), rs.rolloutName());
        SweepDecision decision = SweepPolicy.decide(rs, rollout, siblings(rs), now, config);
        listener.decided(rs, decision, now);
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
                     String action, java.util.function.Supplier<ClusterActions.Result> write, String reason, String type,
                     String message) {
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
                metrics.error("update");
                tally.recordFailure();
                backoff(key, now);
            }
        }
    }

    private void report(ReplicaSet object, ArgoReplicaSet rs, SweepDecision.Report report) {
        String problem = report.problem().name().toLowerCase(java.util.Locale.ROOT);
        metrics.due(problem);
        metrics.reported(problem);
        tally.reported(report.problem(), rs.key());
        String fingerprint = problem + "|" + report.value();
        if (!fingerprint.equals(reportedOnce.put(rs.key(), fingerprint)) && !config.dryRun()) {
            String message = report.problem() == SweepDecision.Problem.OVERDUE
                    ? "ReplicaSet still runs " + report.replicas() + " replicas although " + report.key() + " "
                    + report.value() + " plus " + config.grace().toSeconds() + "s grace has passed; sweep mode "
                    + config.mode().name().toLowerCase(java.util.Locale.ROOT) + " only reports it"
                    : "ReplicaSet runs " + report.replicas() + " replicas with " + describe(report.value()) + " "
                    + report.key() + ", so Argo Rollouts never scales it down; sweep mode report only reports it";
            actions.event(object, "Warning", report.problem() == SweepDecision.Problem.OVERDUE
                    ? "ScaleDownDeadlineOverdue" : "ScaleDownDeadlineBroken", message);
        }
    }

    private void backoff(String key, Instant now) {
        int attempt = failures.merge(key, 1, Integer::sum);
        long base = BACKOFF_BASE.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, BACKOFF_MAX.toMillis());
        long jittered = capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1);
        queue.schedule(key, now.plusMillis(jittered));
    }

    private static String describe(String value) {
        return value == null || value.isBlank() ? "the blank" : "the invalid value \"" + value + "\" of";
    }

    /** Starts the worker loop (on the leader). */
    public synchronized void startWorker() {
        if (worker != null) {
            return;
        }
        worker = new Thread(this::work, "sweeper");
        worker.setDaemon(true);
        worker.start();
        LOG.info("sweeper worker started");
    }

    /** Stops the worker loop (lost leadership or shutdown). */
    public synchronized void stopWorker() {
        Thread t = worker;
        worker = null;
        if (t != null) {
            t.interrupt();
            queue.wake();
            LOG.info("sweeper worker stopped");
        }
    }

    public boolean workerRunning() {
        return worker != null;
    }

    private void work() {
        while (worker == Thread.currentThread()) {
            try {
                runDue();
                long wait = queue.nextDue()
                        .map(next -> Duration.between(clock.instant(), next).toMillis())
                        .orElse(MAX_WAIT_MILLIS);
                queue.awaitChange(Math.max(1, Math.min(wait, MAX_WAIT_MILLIS)));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("sweeper loop error", e);
            }
        }
    }

    public DeadlineQueue queue() {
        return queue;
    }

    public SweepTally tally() {
        return tally;
    }

    private int guardedCount() {
        return replicaSetInformers.stream().mapToInt(i -> i.getStore().list().size()).sum();
    }

    private ReplicaSet cachedReplicaSet(String key) {
        for (SharedIndexInformer<ReplicaSet> informer : replicaSetInformers) {
            ReplicaSet rs = informer.getStore().getByKey(key);
            if (rs != null) {
                return rs;
            }
        }
        return null;
    }

    private RolloutState cachedRollout(String namespace, String name) {
        for (SharedIndexInformer<GenericKubernetesResource> informer : rolloutInformers) {
            GenericKubernetesResource rollout = informer.getStore().getByKey(key(namespace, name));
            if (rollout != null) {
                return RolloutState.of(rollout, config.defaultScaleDownDelay());
            }
        }
        return null;
    }

    private List<ArgoReplicaSet> siblings(ArgoReplicaSet rs) {
        if (rs.rolloutName() == null) {
            return List.of(rs);
        }
        List<ArgoReplicaSet> result = new ArrayList<>();
        for (SharedIndexInformer<ReplicaSet> informer : replicaSetInformers) {
            for (ReplicaSet sibling : informer.getIndexer().byIndex(ROLLOUT_INDEX, rs.namespace() + "/" + rs.rolloutName())) {
                result.add(ArgoReplicaSet.of(sibling));
            }
        }
        if (result.stream().noneMatch(s -> Objects.equals(s.name(), rs.name()))) {
            result.add(rs);
        }
        return result;
    }

    private void enqueueReplicaSetsOf(GenericKubernetesResource rollout) {
        Instant now = clock.instant();
        String index = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
        for (SharedIndexInformer<ReplicaSet> informer : replicaSetInformers) {
            for (ReplicaSet rs : informer.getIndexer().byIndex(ROLLOUT_INDEX, index)) {
                queue.schedule(key(rs.getMetadata().getNamespace(), rs.getMetadata().getName()), now);
            }
        }
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public void close() {
        stopWorker();
        replicaSetInformers.forEach(SharedIndexInformer::close);
        rolloutInformers.forEach(SharedIndexInformer::close);
    }

    /** Counts of what a pass did, for {@code sweep --once}. */
    public static final class SweepTally {
        private final Map<String, List<String>> acted = new HashMap<>();
        private final Map<SweepDecision.Problem, List<String>> reported = new HashMap<>();
        private final Map<SkipReason, Integer> skipped = new HashMap<>();
        private int failed;

        synchronized void acted(String action, String key, boolean dryRun) {
            acted.computeIfAbsent(dryRun ? "would " + action : action, k -> new ArrayList<>()).add(key);
        }

        synchronized void reported(SweepDecision.Problem problem, String key) {
            reported.computeIfAbsent(problem, k -> new ArrayList<>()).add(key);
        }

        synchronized void skipped(SkipReason reason) {
            skipped.merge(reason, 1, Integer::sum);
        }

        synchronized void recordFailure() {
            failed++;
        }

        public synchronized Map<String, List<String>> acted() {
            return Map.copyOf(acted);
        }

        public synchronized Map<SweepDecision.Problem, List<String>> reported() {
            return Map.copyOf(reported);
        }

        public synchronized Map<SkipReason, Integer> skipped() {
            return Map.copyOf(skipped);
        }

        public synchronized int failed() {
            return failed;
        }

        public synchronized boolean anythingDue() {
            return !acted.isEmpty() || !reported.isEmpty() || failed > 0;
        }
    }
}
