package dev.deadlineguard.sweep;

import dev.deadlineguard.metrics.SweepMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Leader election on a {@code coordination.k8s.io} Lease: every replica serves admission and keeps
 * its informers warm, only the holder of the lease runs the sweeper's worker. When the leader dies
 * without releasing, another replica takes over once the lease duration has passed. A replica that
 * loses the lease (it could not renew it within the renew deadline, for example while the API server
 * was down) stops its worker and waits for it to end, then campaigns again: a fabric8
 * {@code LeaderElector} runs once, so each campaign gets a new one.
 */
public final class SweeperLeadership implements AutoCloseable {

    /** Lease timings, as in controller-runtime's defaults. */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private static final Logger LOG = LoggerFactory.getLogger(SweeperLeadership.class);

    private final KubernetesClient client;
    private final Sweeper sweeper;
    private final SweepMetrics metrics;
    private final String description;
    private final String identity;
    private final Timings timings;
    private final LeaderElectionConfig config;
    private volatile boolean leading;
    private volatile String leader;
    private volatile int campaigns;
    private CompletableFuture<?> running;
    private boolean closed;

    public SweeperLeadership(KubernetesClient client, Sweeper sweeper, SweepMetrics metrics, String leaseNamespace,
                             String leaseName, String identity, Timings timings) {
        this.client = client;
        this.sweeper = sweeper;
        this.metrics = metrics;
        this.identity = identity;
        this.timings = timings;
        this.description = leaseNamespace + "/" + leaseName;
        this.config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(leaseNamespace, leaseName, identity))
                .withLeaseDuration(timings.leaseDuration())
                .withRenewDeadline(timings.renewDeadline())
                .withRetryPeriod(timings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                .build();
    }

    private void startedLeading() {
        // Start sweeping before saying so: whoever sees isLeading() sees a running worker.
        sweeper.startWorker();
        leading = true;
        metrics.leader(true);
        LOG.info("{} holds lease {}: sweeping", identity, description);
    }

    private void stoppedLeading() {
        boolean was = leading;
        sweeper.stopWorker();  // returns once the worker has ended: no write after this point
        leading = false;
        metrics.leader(false);
        if (was) {
            LOG.info("{} lost lease {}: no longer sweeping", identity, description);
        }
    }

    private void newLeader(String holder) {
        if (!Objects.equals(leader, holder)) {
            leader = holder;
            LOG.info("sweeper leader is now {}", holder == null || holder.isEmpty() ? "nobody" : holder);
        }
    }

    public synchronized void start() {
        if (running == null && !closed) {
            campaign();
        }
    }

    private synchronized void campaign() {
        if (closed) {
            return;
        }
        campaigns++;
        CompletableFuture<?> election = client.leaderElector().withConfig(config).build().start();
        running = election;
        election.whenComplete((ignored, failure) -> ended(election, failure));
    }

    private void ended(CompletableFuture<?> election, Throwable failure) {
        stoppedLeading();
        synchronized (this) {
            if (closed || running != election) {
                return;
            }
        }
        LOG.info("{} campaigns again for lease {} in {}", identity, description,
                dev.deadlineguard.cluster.Backoff.describe(timings.retryPeriod()));
        CompletableFuture.delayedExecutor(timings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS).execute(this::campaign);
    }

    public boolean isLeading() {
        return leading;
    }

    /** The holder of the lease as last seen, or {@code null} before it was read. */
    public String leader() {
        return leader;
    }

    public String identity() {
        return identity;
    }

    /** How many elections this replica has run (one more after each lost lease). */
    public int campaigns() {
        return campaigns;
    }

    /** Gives the lease up (released, so another replica takes over at once) and stops trying. */
    @Override
    public void close() {
        CompletableFuture<?> election;
        synchronized (this) {
            closed = true;
            election = running;
            running = null;
        }
        if (election != null) {
            election.cancel(true);
        }
        stoppedLeading();
    }
}
