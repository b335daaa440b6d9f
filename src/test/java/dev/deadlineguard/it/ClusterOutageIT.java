package dev.deadlineguard.it;

import dev.deadlineguard.sweep.ArgoObjects;
import dev.deadlineguard.sweep.RolloutResources;
import dev.deadlineguard.testing.ApiServer;
import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.ServedJar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar's {@code serve} with a kubeconfig whose API server is not there yet: admission answers
 * at once; the API server comes up later and an overdue ReplicaSet is scaled down; the API server is
 * restarted under the running sweeper and a ReplicaSet that became overdue meanwhile is scaled too.
 * {@code curl} talks to the server, as a user (or the kubelet's probes) would.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterOutageIT {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path workDir;
    final ApiServer api = ApiServer.onFreePort();
    ServedJar server;
    KubernetesClient client;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
        api.close();
    }

    @Test
    void admissionAnswersAtOnceAndTheSweeperStartsWhenTheApiServerComesUpAndRidesOutItsRestart() throws Exception {
        Path kubeconfig = api.writeKubeconfig(workDir);
        // The serving certificate exists already, as a Secret volume in a pod.
        dev.deadlineguard.testing.TestCertificates.in(workDir.resolve("tls"));
        server = ServedJar.start(workDir, List.of(), List.of("--cert-dir", "tls", "--shutdown-delay", "1s",
                "--leader-identity", "replica-a"), Map.of("KUBECONFIG", kubeconfig.toString()));
        int port = server.port();
        // Admission does not wait for the API server: it answers while the sweeper has not connected.
        // (Ordered by state, not timed: a wall-clock bound failed on a loaded machine.)
        assertThat(curl(port, "/healthz")).isEqualTo("200 ok\n");
        assertThat(curl(port, "/readyz?verbose")).doesNotContain("[+]sweeper-connected");
        Eventually.until("admission ready without the sweeper, once warmed up", TIMEOUT,
                () -> curl(port, "/readyz").equals("200 ok\n"));
        assertThat(curl(port, "/readyz?verbose")).contains("[+]warm-up ok: done\n");
        assertThat(curl(port, "/mutate-sample")).isEqualTo("200 allowed");

        Eventually.until("a second connection attempt", TIMEOUT, () -> server.logText().contains("cannot reach the API server"));
        assertThat(curl(port, "/readyz?verbose")).contains(
                "[-]sweeper-connected failed: connection refused (nothing listens there yet, or a firewall rejects it)"
                        + " (informational)\n");

        api.start();
        client = api.client();
        GenericKubernetesResource rollout = ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"),
                ArgoObjects.canary());
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS).resource(rollout).create();
        create("new", 2);
        create("old", 1);
        Eventually.until("the overdue ReplicaSet scaled to 0 by the jar", TIMEOUT, () -> replicas("old") == 0);
        assertThat(replicas("new")).isEqualTo(3);
        Eventually.until("the sweeper's checks pass", TIMEOUT, () -> curl(port, "/readyz?verbose").contains(
                "[+]sweeper-connected ok (informational)\n[+]sweeper-synced ok (informational)\n"
                        + "[+]sweeper-leader ok: this replica (replica-a) sweeps (informational)\n"));

        api.stop();
        Eventually.until("the outage shows", TIMEOUT,
                () -> curl(port, "/readyz?verbose").contains("[-]sweeper-connected failed: connection refused"));
        assertThat(curl(port, "/readyz")).as("an apiserver outage never makes admission unready").isEqualTo("200 ok\n");
        assertThat(curl(port, "/mutate-sample")).isEqualTo("200 allowed");

        api.start();
        create("older", 0);
        Eventually.until("a ReplicaSet created after the restart scaled to 0", TIMEOUT, () -> replicas("older") == 0);
        assertThat(replicas("new")).isEqualTo(3);

        server.process().destroy();
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.process().exitValue()).isEqualTo(143);
        String text = server.logText();
        assertThat(text).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(text.split("cannot reach the API server", -1)).as("the cause is logged once, not once per attempt")
                .hasSize(2);
        assertThat(text).contains("connected to the API server at " + api.url() + "/ (from KUBECONFIG " + kubeconfig);
    }

    private void create(String hash, long revision) {
        client.apps().replicaSets().inNamespace(NS)
                .resource(ArgoObjects.ownedByTheRolloutOnTheServer(client,
                        ArgoObjects.withDeadline(hash, revision, 3, "2020-01-01T00:00:00Z"))).create();
    }

    private int replicas(String hash) {
        return client.apps().replicaSets().inNamespace(NS).withName(ArgoObjects.ROLLOUT + "-" + hash).get()
                .getSpec().getReplicas();
    }

    /**
     * {@code "CODE BODY"} of a GET; for {@code /mutate-sample}, a POST of a blanked-deadline review to
     * {@code /mutate} answered as {@code "CODE allowed"} when the response allows it with a patch.
     */
    private String curl(int port, String path) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "10"));
        command.addAll(List.of("--cacert", server.caFile().toString(), "--write-out", "\n%{http_code}"));
        boolean review = path.equals("/mutate-sample");
        if (review) {
            command.addAll(List.of("-H", "Content-Type: application/json", "--data",
                    "@" + dev.deadlineguard.testing.Samples.path("04-blanked").toAbsolutePath()));
        }
        command.add("https://localhost:" + port + (review ? "/mutate" : path));
        try {
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).as(out).isZero();
            int cut = out.lastIndexOf('\n');
            String code = out.substring(cut + 1);
            String body = out.substring(0, cut);
            if (review) {
                com.fasterxml.jackson.databind.JsonNode response = dev.deadlineguard.admission.Json.MAPPER.readTree(body);
                boolean repaired = response.at("/response/allowed").asBoolean() && response.at("/response/patch").isTextual();
                return code + (repaired ? " allowed" : " " + body);
            }
            return code + " " + body;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("curl failed: " + e.getMessage(), e);
        }
    }

}
