package dev.deadlineguard.sweep;

import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.testing.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.deadlineguard.sweep.ArgoObjects.KEY;
import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Two sweepers on one cluster: only the lease holder acts, and the other takes over when it goes. */
@EnableKubernetesMockClient(crud = true)
class SweeperLeadershipTest {

    static final SweeperLeadership.Timings FAST = new SweeperLeadership.Timings(
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));

    KubernetesMockServer server;
    KubernetesClient client;

    record Replica(Sweeper sweeper, SweeperLeadership leadership, MetricsRegistry metrics, KubernetesClient client)
            implements AutoCloseable {
        @Override
        public void close() {
            leadership.close();
            sweeper.close();
            client.close();
        }
    }

    /** A replica with its own connection to the API server, as separate pods have. */
    Replica replica(String identity) {
        KubernetesClient client = server.createClient();
        MetricsRegistry metrics = new MetricsRegistry(false);
        SweepConfig config = new SweepConfig(List.of(KEY), SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(),
                Duration.ofSeconds(30));
        Sweeper sweeper = new Sweeper(client, config, new KubernetesActions(client, Clock.systemUTC(), identity),
                Clock.systemUTC(), metrics.sweep(), DecisionListener.NONE);
        sweeper.startInformers(Duration.ZERO);
        SweeperLeadership leadership = new SweeperLeadership(client, sweeper, metrics.sweep(), "deadline-guard",
                "deadline-guard-sweeper", identity, FAST);
        leadership.start();
        return new Replica(sweeper, leadership, metrics, client);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void onlyTheLeaderSweepsAndAnotherTakesOver() {
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS)
                .resource(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary())).create();
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("new", 3, 3, null))).create();

        Replica a = replica("replica-a");
        Replica b = replica("replica-b");
        try {
            Eventually.until("a leader", Duration.ofSeconds(20), () -> a.leadership().isLeading() || b.leadership().isLeading());
            Replica leader = a.leadership().isLeading() ? a : b;
            Replica follower = leader == a ? b : a;
            assertThat(follower.leadership().isLeading()).isFalse();
            assertThat(leader.sweeper().workerRunning()).isTrue();
            assertThat(follower.sweeper().workerRunning()).isFalse();
            Lease lease = client.leases().inNamespace("deadline-guard").withName("deadline-guard-sweeper").get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.leadership().identity());

            client.apps().replicaSets().inNamespace(NS)
                    .resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("old", 2, 3, "2020-01-01T00:00:00Z"))).create();
            Eventually.until("the leader scales the overdue ReplicaSet", Duration.ofSeconds(20), () ->
                    client.apps().replicaSets().inNamespace(NS).withName("checkout-old").get().getSpec().getReplicas() == 0);
            Eventually.until("the leader's tally", Duration.ofSeconds(5), () -> !leader.sweeper().tally().acted().isEmpty());
            assertThat(leader.sweeper().tally().acted()).containsEntry("scale_down", List.of(NS + "/checkout-old"));
            assertThat(follower.sweeper().tally().acted()).isEmpty();

            leader.close();  // the leader goes away (releasing the lease on the way out)
            Eventually.until("the follower takes over", Duration.ofSeconds(20), () -> follower.leadership().isLeading());
            assertThat(follower.sweeper().workerRunning()).isTrue();
            client.apps().replicaSets().inNamespace(NS)
                    .resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("older", 1, 2, "2020-01-01T00:00:00Z"))).create();
            Eventually.until("the new leader sweeps", Duration.ofSeconds(20), () ->
                    client.apps().replicaSets().inNamespace(NS).withName("checkout-older").get().getSpec().getReplicas() == 0);
            Eventually.until("the new leader's tally", Duration.ofSeconds(5), () -> !follower.sweeper().tally().acted().isEmpty());
            assertThat(follower.sweeper().tally().acted()).containsEntry("scale_down", List.of(NS + "/checkout-older"));
            assertThat(new String(follower.metrics().scrape())).contains("deadline_guard_sweeper_leader 1.0");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void whenTheLeaderDiesWithoutReleasingAnotherTakesOverAfterTheLease() {
        Replica a = replica("replica-a");
        Eventually.until("a leads", Duration.ofSeconds(20), () -> a.leadership().isLeading());
        Replica b = replica("replica-b");
        try {
            assertThat(b.leadership().isLeading()).isFalse();
            a.client().close();  // the pod is gone: no renewals, and no release either
            long lost = System.nanoTime();
            Eventually.until("b takes over", Duration.ofSeconds(30), () -> b.leadership().isLeading());
            Duration takeover = Duration.ofNanos(System.nanoTime() - lost);
            Lease lease = client.leases().inNamespace("deadline-guard").withName("deadline-guard-sweeper").get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-b");
            assertThat(b.sweeper().workerRunning()).isTrue();
            // Within the lease duration after the last renewal, plus a few retry periods (slack for a loaded machine).
            assertThat(takeover).isLessThan(FAST.leaseDuration().plusSeconds(8));
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aLeaderThatLosesTheLeaseInAnOutageStopsItsWorkerThenCampaignsAgain() {
        try (dev.deadlineguard.testing.ApiServer api = dev.deadlineguard.testing.ApiServer.onFreePort().start();
             KubernetesClient own = api.client()) {
            MetricsRegistry metrics = new MetricsRegistry(false);
            SweepConfig config = new SweepConfig(List.of(KEY), SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(),
                    Duration.ofSeconds(30));
            Sweeper sweeper = new Sweeper(own, config, new KubernetesActions(own, Clock.systemUTC(), "replica-a"),
                    Clock.systemUTC(), metrics.sweep(), DecisionListener.NONE);
            SweeperLeadership leadership = new SweeperLeadership(own, sweeper, metrics.sweep(), "deadline-guard",
                    "deadline-guard-sweeper", "replica-a", FAST);
            try {
                leadership.start();
                Eventually.until("leading", Duration.ofSeconds(20), leadership::isLeading);
                assertThat(sweeper.workerRunning()).isTrue();
                assertThat(leadership.campaigns()).isEqualTo(1);

                api.stop();  // longer than the renew deadline: the lease cannot be renewed
                Eventually.until("the lease given up", Duration.ofSeconds(20), () -> !leadership.isLeading());
                assertThat(sweeper.workerRunning()).as("the worker stopped before leadership was cleared").isFalse();
                Eventually.until("campaigning again", Duration.ofSeconds(20), () -> leadership.campaigns() >= 2);

                api.start();
                Eventually.until("leading again after the outage", Duration.ofSeconds(30), leadership::isLeading);
                assertThat(sweeper.workerRunning()).isTrue();
                assertThat(new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("deadline_guard_sweeper_leader 1.0");
            } finally {
                leadership.close();
                sweeper.close();
            }
            assertThat(sweeper.workerRunning()).isFalse();
        }
    }
}
