package dev.deadlineguard.cli;

import dev.deadlineguard.cluster.Backoff;
import dev.deadlineguard.cluster.ClusterConnection;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.server.Readiness;
import dev.deadlineguard.sweep.ArgoObjects;
import dev.deadlineguard.sweep.RolloutResources;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import dev.deadlineguard.sweep.SweeperLeadership;
import dev.deadlineguard.testing.ApiServer;
import dev.deadlineguard.testing.Eventually;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster side of {@code serve} against a mock API server that is not there at start, comes up
 * later, and is restarted under the running sweeper: nothing is lost and no restart of the process
 * is needed.
 */
class SweeperRuntimeTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Backoff QUICK = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2);
    static final SweeperLeadership.Timings FAST = new SweeperLeadership.Timings(
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));

    @TempDir
    Path dir;
    final ApiServer api = ApiServer.onFreePort();
    final MetricsRegistry metrics = new MetricsRegistry(false);
    final Readiness readiness = new Readiness();
    KubernetesClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        api.close();
    }

    SweeperRuntime runtime() throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir);
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        SweepConfig sweep = new SweepConfig(List.of(ArgoObjects.KEY, "argo-rollouts.argoproj.io/scale-down-deadline"),
                SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(), Duration.ofSeconds(30));
        SweeperRuntime runtime = SweeperRuntime.forTarget(new SweeperRuntime.Settings(sweep, "deadline-guard", "replica-a",
                Duration.ZERO, List.of(), 100, QUICK, FAST), metrics, Clock.systemUTC(),
                () -> ClusterConnection.target(config, "kubeconfig " + kubeconfig));
        runtime.describeTo(readiness);
        return runtime;
    }

    String verbose() {
        return readiness.evaluate().verbose();
    }

    String metricsText() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    void createRollout() {
        GenericKubernetesResource rollout = ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"),
                ArgoObjects.canary());
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS).resource(rollout).create();
    }

    void createOverdue(String hash, long revision) {
        client.apps().replicaSets().inNamespace(NS).resource(ArgoObjects.ownedByTheRolloutOnTheServer(client,
                        ArgoObjects.withDeadline(hash, revision, 3, "2020-01-01T00:00:00Z")))
                .create();
    }

    int replicas(String hash) {
        ReplicaSet rs = client.apps().replicaSets().inNamespace(NS).withName(ArgoObjects.ROLLOUT + "-" + hash).get();
        return rs.getSpec().getReplicas();
    }

    @Test
    void startsSweepingWhenTheApiServerComesUpAndRidesOutItsRestart() throws Exception {
        try (SweeperRuntime runtime = runtime()) {
            runtime.start();
            Eventually.until("a failed attempt", TIMEOUT, () -> verbose().contains("connection refused"));
            assertThat(verbose()).isEqualTo(
                    "[-]sweeper-connected failed: connection refused (nothing listens there yet, or a firewall rejects it)"
                            + " (informational)\n"
                            + "[-]sweeper-synced failed: waiting for the API server (informational)\n"
                            + "[-]sweeper-leader failed: waiting for the API server (informational)\n"
                            + "readyz check passed\n");
            assertThat(metricsText()).contains("deadline_guard_sweeper_connected 0.0");

            api.start();
            client = api.client();
            createRollout();
            createOverdue("new", 2);
            createOverdue("old", 1);
            Eventually.until("the overdue ReplicaSet scaled down", TIMEOUT, () -> replicas("old") == 0);
            assertThat(replicas("new")).as("the stable ReplicaSet is left alone").isEqualTo(3);
            Eventually.until("all sweeper checks ok", TIMEOUT, () -> verbose().equals(
                    "[+]sweeper-connected ok (informational)\n[+]sweeper-synced ok (informational)\n"
                            + "[+]sweeper-leader ok: this replica (replica-a) sweeps (informational)\nreadyz check passed\n"));
            Eventually.until("connected metric", TIMEOUT, () -> metricsText().contains("deadline_guard_sweeper_connected 1.0"));

            api.stop();
            Eventually.until("the outage is seen", TIMEOUT, () -> verbose().contains("[-]sweeper-connected failed: connection refused"));
            Eventually.until("metrics show the outage", TIMEOUT,
                    () -> metricsText().contains("deadline_guard_sweeper_connected 0.0")
                            && metricsText().contains("deadline_guard_sweeper_informers_synced 0.0"));

            api.start();
            createOverdue("older", 0);
            Eventually.until("a ReplicaSet that became overdue after the restart scaled down", TIMEOUT,
                    () -> replicas("older") == 0);
            assertThat(replicas("new")).isEqualTo(3);
            Eventually.until("all sweeper checks ok again", TIMEOUT,
                    () -> verbose().startsWith("[+]sweeper-connected ok (informational)\n[+]sweeper-synced ok"));
        }
    }

    @Test
    void withoutAnyConfigurationTheSweeperIsOffAndSaysWhy() {
        SweeperRuntime runtime = SweeperRuntime.create(null, metrics, Clock.systemUTC(),
                Map.of("KUBECONFIG", dir.resolve("missing").toString()));
        runtime.describeTo(readiness);
        runtime.start();
        assertThat(verbose()).isEqualTo("[+]sweeper ok: off: no cluster configuration found (the kubeconfig "
                + dir.resolve("missing") + " does not exist) (informational)\nreadyz check passed\n");
        runtime.close();
    }
}
