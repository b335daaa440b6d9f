package dev.deadlineguard.sweep;

import dev.deadlineguard.metrics.SweepMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election on a {@code coordination.k8s.io} Lease: every replica serves admission and keeps
 * its informers warm, only the holder of the lease runs the sweeper's worker. When the leader dies
 * without releasing, another replica takes over once the lease duration has passed.
 */
public final class SweeperLeadership implements AutoCloseable {

    /** Lease timings, as in controller-runtime's defaults. */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private static final Logger LOG = LoggerFactory.getLogger(SweeperLeadership.class);

    private final LeaderElector elector;
    private final String identity;
    private volatile boolean leading;
    private CompletableFuture<?> running;

    public SweeperLeadership(KubernetesClient client, Sweeper sweeper, SweepMetrics metrics, String leaseNamespace,
                             String leaseName, String identity, Timings timings) {
        this.identity = identity;
        this.elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(leaseNamespace, leaseName, identity))
                .withLeaseDuration(timings.leaseDuration())
                .withRenewDeadline(timings.renewDeadline())
                .withRetryPeriod(timings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            // Start sweeping before saying so: whoever sees isLeading() sees a running worker.
                            sweeper.startWorker();
                            leading = true;
                            metrics.leader(true);
                            LOG.info("{} holds lease {}/{}: sweeping", identity, leaseNamespace, leaseName);
                        },
                        () -> {
                            sweeper.stopWorker();
                            leading = false;
                            metrics.leader(false);
                            LOG.info("{} lost lease {}/{}: no longer sweeping", identity, leaseNamespace, leaseName);
                        },
                        leader -> LOG.info("sweeper leader is now {}", leader)))
                .build()).build();
    }

    public synchronized void start() {
        if (running == null) {
            running = elector.start();
        }
    }

    public boolean isLeading() {
        return leading;
    }

    public String identity() {
        return identity;
    }

    /** Gives the lease up (released, so another replica takes over at once) and stops trying. */
    @Override
    public synchronized void close() {
        if (running != null) {
            running.cancel(true);
            running = null;
        }
    }
}
