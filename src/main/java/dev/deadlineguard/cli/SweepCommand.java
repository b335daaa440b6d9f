package dev.deadlineguard.cli;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.cluster.ClusterConnection;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.KubernetesActions;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepDecision;
import dev.deadlineguard.sweep.SweepPlan;
import dev.deadlineguard.sweep.Sweeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"One sweeper pass against the cluster (standard kubeconfig resolution: KUBECONFIG, ~/.kube/config, "
                + "in-cluster), then exit: for a CronJob or a manual run. Inside serve the sweeper runs continuously. "
                + "Prints the plan: one line per ReplicaSet with a deadline, what was (or would be) done and why not.",
                "Exit code 0 when nothing was due, 3 when something was overdue or stuck (and was handled or reported), "
                        + "1 on errors."})
public final class SweepCommand implements Callable<Integer> {

    @CommandLine.Mixin(name = "logging")
    LoggingOptions logging;

    public static final int SOMETHING_DUE = 3;

    @Option(names = "--once", required = true, description = "Run one pass and exit (required).")
    boolean once;

    @Option(names = "--sync-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the first full list of ReplicaSets and Rollouts (default: ${DEFAULT-VALUE}).")
    Duration syncTimeout;

    @Mixin
    SweepOptions sweep;

    @Mixin
    GuardedKeysOption guardedKeys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Keeps the latest decision per ReplicaSet, for the plan. */
    static final class PlanListener implements DecisionListener {
        private final SortedMap<String, SweepDecision> decisions = new TreeMap<>();

        @Override
        public void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now) {
            decided(rs.key(), rs, decision, now);
        }

        @Override
        public synchronized void decided(String key, ArgoReplicaSet rs, SweepDecision decision, Instant now) {
            decisions.put(key, decision);  // the cache's key string, not a copy
        }

        @Override
        public synchronized void removed(String namespace, String name) {
            decisions.remove(namespace + "/" + name);
        }

        synchronized SortedMap<String, SweepDecision> decisions() {
            return new TreeMap<>(decisions);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterConnection.Result connection = ClusterConnection.connect(System.getenv());
        if (!connection.connected()) {
            err.println("error: " + connection.problem());
            return ExitCodes.FAILURE;
        }
        SweepConfig config = sweep.toConfig(guardedKeys.keys());
        Clock clock = Clock.systemUTC();
        PlanListener plan = new PlanListener();
        try (var client = connection.client();
             Sweeper sweeper = new Sweeper(client, config, new KubernetesActions(client, clock, SweepOptions.defaultIdentity()),
                     clock, new MetricsRegistry(false).sweep(), plan)) {
            sweeper.startInformers(Duration.ZERO);
            long deadline = System.nanoTime() + syncTimeout.toNanos();
            while (!sweeper.cacheCurrent()) {
                if (System.nanoTime() > deadline) {
                    err.println("error: the ReplicaSet and Rollout informers did not sync within " + syncTimeout.toSeconds()
                            + "s; nothing was changed");
                    return ExitCodes.FAILURE;
                }
                Thread.sleep(50);
            }
            int guarded = sweeper.enqueueAll();
            sweeper.runDue();
            Sweeper.SweepTally tally = sweeper.tally();
            out.println("sweep: " + guarded + " Argo-managed ReplicaSets, mode " + config.mode().name().toLowerCase()
                    + (config.dryRun() ? " (dry run)" : ""));
            SweepPlan.lines(plan.decisions(), config).forEach(line -> out.println("  " + line));
            if (tally.failed() > 0) {
                out.println("  failed: " + tally.failed() + " (see the log)");
            }
            out.flush();
            if (tally.failed() > 0) {
                return ExitCodes.FAILURE;
            }
            return tally.anythingDue() ? SOMETHING_DUE : ExitCodes.OK;
        }
    }
}
