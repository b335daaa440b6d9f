package dev.deadlineguard.sweep;

import dev.deadlineguard.cluster.Backoff;
import dev.deadlineguard.metrics.SweepMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweeper: a {@link ReplicaSetCache} (informers on every replica, so that a new leader starts warm)
 * feeds a {@link DeadlineQueue}; a {@link SweepWorker} (only on the leader) wakes when a key is due and
 * hands it to the {@link Reconciler}, which re-reads the latest object from the cache, decides with
 * {@link SweepPolicy} and acts through {@link ClusterActions}. Nothing is decided while the cache is not
 * current: before the first list, and while a watch is being re-established after an outage.
 */
public final class Sweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final SweepConfig config;
    private final Clock clock;
    private final SweepMetrics metrics;
    private final ReplicaSetCache cache;
    private final DeadlineQueue queue = new DeadlineQueue();
    private final SweepTally tally = new SweepTally();
    private final Reconciler reconciler;
    private final SweepWorker worker;

    public Sweeper(KubernetesClient client, SweepConfig config, ClusterActions actions, Clock clock, SweepMetrics metrics,
                   DecisionListener listener) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.cache = new ReplicaSetCache(client, config.namespaces(), config.guardedKeys(), config.defaultScaleDownDelay());
        this.reconciler = new Reconciler(cache, queue, config, actions, metrics, listener, tally, Backoff.API_ERROR);
        this.worker = new SweepWorker(queue, clock, this::runDue);
    }

    /** Starts the informers (every replica runs them, so that a new leader starts warm). */
    public void startInformers(Duration resync) {
        cache.start(resync, new ReplicaSetCache.Listener() {
            @Override
            public void changed(String key) {
                queue.schedule(key, clock.instant());
            }

            @Override
            public void removed(String namespace, String name) {
                reconciler.forget(namespace, name);
            }
        });
        LOG.info("sweeper watching Argo-managed ReplicaSets and Rollouts in {} (mode {}{})",
                config.namespaces().isEmpty() ? "all namespaces" : config.namespaces(),
                config.mode().name().toLowerCase(Locale.ROOT), config.dryRun() ? ", dry run" : "");
    }

    /** Listed once and watching now: decisions are made only then. */
    public boolean cacheCurrent() {
        boolean current = cache.current();
        metrics.synced(current);
        return current;
    }

    /** Why the cache is not current, in words, or {@code null} when it is. */
    public String cacheProblem() {
        return cache.problem();
    }

    /** The informers reach the API server (they may still fail otherwise, for example with a 404). */
    public boolean cacheReachable() {
        return cache.reachable();
    }

    /** How many Argo-managed ReplicaSets the cache holds. */
    public int cachedCount() {
        return cache.size();
    }

    /** Schedules every cached ReplicaSet for a decision now (for {@code sweep --once}). */
    public int enqueueAll() {
        Instant now = clock.instant();
        List<String> keys = cache.keys();
        keys.forEach(key -> queue.schedule(key, now));
        return keys.size();
    }

    /**
     * Decides and acts on every key due now. Does nothing while the cache is not current: nothing is
     * decided on partial or stale information.
     *
     * @return how many keys were processed
     */
    public int runDue() {
        if (!cacheCurrent()) {
            return 0;
        }
        Instant now = clock.instant();
        List<String> due = queue.takeDue(now);
        for (String key : due) {
            if (Thread.currentThread().isInterrupted()) {
                queue.schedule(key, now);  // stopped mid-pass (lost the lease): the next leader decides it
                continue;
            }
            reconciler.reconcile(key, now);
        }
        metrics.guarded(cache.size());
        metrics.queueSize(queue.size());
        return due.size();
    }

    /** Starts the worker loop (on the leader). */
    public void startWorker() {
        worker.start();
    }

    /** Stops the worker loop and waits until it has ended (lost leadership or shutdown). */
    public void stopWorker() {
        worker.stop();
    }

    public boolean workerRunning() {
        return worker.running();
    }

    /** The informer cache (for tests that wait until it has seen a change). */
    ReplicaSetCache cache() {
        return cache;
    }

    public DeadlineQueue queue() {
        return queue;
    }

    public SweepTally tally() {
        return tally;
    }

    @Override
    public void close() {
        stopWorker();
        cache.close();
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
