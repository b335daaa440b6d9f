package dev.deadlineguard.cli;

import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.sweep.ClusterConnection;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.KubernetesActions;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.Sweeper;
import dev.deadlineguard.sweep.SweeperLeadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/** The sweeper as {@code serve} runs it: informers on every replica, the worker on the lease holder. */
final class SweeperRuntime implements AutoCloseable {

    static final String LEASE_NAME = "deadline-guard-sweeper";
    private static final Logger LOG = LoggerFactory.getLogger(SweeperRuntime.class);

    private final KubernetesClient client;
    private final Sweeper sweeper;
    private final SweeperLeadership leadership;
    private final Duration resync;

    private SweeperRuntime(KubernetesClient client, Sweeper sweeper, SweeperLeadership leadership, Duration resync) {
        this.client = client;
        this.sweeper = sweeper;
        this.leadership = leadership;
        this.resync = resync;
    }

    /** Connects to the cluster, or says clearly why not and returns {@code null} (admission keeps serving). */
    static SweeperRuntime connect(SweepConfig config, MetricsRegistry metrics, Clock clock, String leaseNamespace,
                                  String identity, Duration resync) {
        ClusterConnection.Result connection = ClusterConnection.connect(System.getenv());
        if (!connection.connected()) {
            LOG.warn("sweeper disabled: {}; serving admission only", connection.problem());
            return null;
        }
        KubernetesClient client = connection.client();
        Sweeper sweeper = new Sweeper(client, config, new KubernetesActions(client, clock, identity), clock,
                metrics.sweep(), DecisionListener.NONE);
        SweeperLeadership leadership = new SweeperLeadership(client, sweeper, metrics.sweep(), leaseNamespace, LEASE_NAME,
                identity, SweeperLeadership.Timings.DEFAULT);
        LOG.info("sweeper enabled against {} as {} (lease {}/{})", client.getMasterUrl(), identity, leaseNamespace, LEASE_NAME);
        return new SweeperRuntime(client, sweeper, leadership, resync);
    }

    void start() {
        sweeper.startInformers(resync);
        leadership.start();
    }

    boolean synced() {
        return sweeper.hasSynced();
    }

    @Override
    public void close() {
        leadership.close();
        sweeper.close();
        client.close();
    }
}
