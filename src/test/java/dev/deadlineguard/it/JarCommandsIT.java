package dev.deadlineguard.it;

import dev.deadlineguard.admission.Json;
import dev.deadlineguard.sweep.ArgoObjects;
import dev.deadlineguard.sweep.RolloutResources;
import dev.deadlineguard.testing.Samples;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command of the built jar, run as a user runs it: a separate JVM, its exit code, its two streams. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@EnableKubernetesMockClient(crud = true)
class JarCommandsIT {

    @TempDir
    Path workDir;
    KubernetesMockServer server;
    KubernetesClient client;

    record Result(int exitCode, String out, String err) {
    }

    Result jar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", ServeJarIT.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().put("KUBECONFIG", workDir.resolve("no-kubeconfig").toString());
        builder.environment().putAll(env);
        Path out = workDir.resolve("stdout");
        Path err = workDir.resolve("stderr");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Result(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    Result jar(String... args) throws IOException, InterruptedException {
        return jar(Map.of(), args);
    }

    @Test
    void versionAndHelp() throws Exception {
        Result version = jar("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("deadline-guard ");
        Result help = jar("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("serve", "review", "audit", "sweep", "certs");
        for (String command : List.of("serve", "review", "audit", "sweep", "certs")) {
            Result commandHelp = jar(command, "--help");
            assertThat(commandHelp.exitCode()).as(command).isZero();
            assertThat(commandHelp.out()).as(command).startsWith("Usage: deadline-guard " + command).contains("DEADLINE_GUARD_");
        }
    }

    @Test
    void reviewAuditAndCertsRunFromTheJar() throws Exception {
        Result review = jar("review", "--validate", "-o", "yaml", Samples.path("04-blanked").toAbsolutePath().toString());
        assertThat(review.exitCode()).as(review.err()).isZero();
        assertThat(review.out()).startsWith("apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\n").contains("allowed: false");
        assertThat(review.err()).isEqualTo("shop/checkout-6d8f7b9c4d: blanked -> deny\n");

        Result audit = jar("audit", Path.of("samples/cluster-state.json").toAbsolutePath().toString(), "--now", "2024-08-01T16:00:00Z",
                "--fail-on", "none", "--format", "openreports");
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(Json.MAPPER.readTree(audit.out()).at("/items/0/apiVersion").asText()).isEqualTo("openreports.io/v1alpha1");
        assertThat(audit.err()).startsWith("audit: ");

        Result certs = jar("certs", "--service", "guard", "--namespace", "ops", "--key-type", "rsa-2048");
        assertThat(certs.exitCode()).as(certs.err()).isZero();
        assertThat(certs.out()).startsWith("issued certs/ca.crt: subject=CN=deadline-guard CA");
        assertThat(workDir.resolve("certs/tls.key")).exists();
    }

    /** A Rollout whose stable ReplicaSet is "new" and an old ReplicaSet long past its deadline. */
    Map<String, String> clusterWithAnOverdueReplicaSet() throws IOException {
        var rollout = ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary());
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace("shop").resource(rollout).create();
        client.apps().replicaSets().inNamespace("shop").resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("old", 1, 3, "2020-01-01T00:00:00Z"))).create();
        client.apps().replicaSets().inNamespace("shop").resource(ArgoObjects.ownedByTheRolloutOnTheServer(client, ArgoObjects.withDeadline("new", 2, 3, null))).create();
        Path kubeconfig = java.nio.file.Files.writeString(workDir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: me, user: {token: test}}]
                contexts: [{name: mock, context: {cluster: mock, user: me, namespace: default}}]
                current-context: mock
                """.formatted(client.getMasterUrl()));
        return Map.of("KUBECONFIG", kubeconfig.toString());
    }

    @Test
    void sweepOnceScalesDownTheOverdueReplicaSetThroughTheJar() throws Exception {
        Result sweep = jar(clusterWithAnOverdueReplicaSet(), "sweep", "--once");
        assertThat(sweep.exitCode()).as(sweep.err()).isEqualTo(3);
        assertThat(sweep.out()).isEqualTo("sweep: 2 Argo-managed ReplicaSets, mode enforce\n"
                + "  shop/checkout-old: scale down: scale-down-deadline 2020-01-01T00:00:00Z plus 30s grace has passed (3 replicas)\n");
        assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isZero();
    }

    @Test
    void serveWithASweeperTakesTheLeaseSweepsAndAnswersHealthz() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(clusterWithAnOverdueReplicaSet());
        List<String> command = List.of("java", "-jar", ServeJarIT.JAR.toAbsolutePath().toString(), "serve", "--port", "0",
                "--shutdown-delay", "0s", "--lease-namespace", "default");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        Path log = workDir.resolve("serve.log");
        Process serve = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            java.util.regex.Matcher port = null;
            while (System.nanoTime() < deadline && serve.isAlive()) {
                String text = java.nio.file.Files.readString(log);
                java.util.regex.Matcher m = ServeJarIT.TRY.matcher(text);
                if (m.find() && text.contains("scale down ReplicaSet shop/checkout-old")) {
                    port = m;
                    break;
                }
                Thread.sleep(100);
            }
            String text = java.nio.file.Files.readString(log);
            assertThat(port).as(text).isNotNull();
            assertThat(text).contains("holds lease default/").doesNotContain("ClassNotFound", "NoClassDefFound", "Exception");
            Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--cacert", ServeJarIT.TRY_OUT + "/ca.crt",
                    "https://localhost:" + port.group(2) + "/healthz").directory(workDir.toFile()).redirectErrorStream(true).start();
            String healthz = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(healthz).isEqualTo("ok\n");
            assertThat(client.apps().replicaSets().inNamespace("shop").withName("checkout-old").get().getSpec().getReplicas()).isZero();
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
            serve.destroyForcibly();
        }
    }

    @Test
    void usageErrorsAreOneLineAndAHintWithExitCodeTwo() throws Exception {
        Result cert = jar("serve", "--tls-cert-file", "/nope.crt", "--tls-key-file", "/nope.key");
        assertThat(cert.err()).isEqualTo("error: cannot read certificate file /nope.crt: no such file\n"
                + "see 'deadline-guard serve --help'\n");
        assertThat(cert.exitCode()).isEqualTo(2);

        Result env = jar(Map.of("DEADLINE_GUARD_VALIDATE_MODE", "x"), "review");
        assertThat(env.err()).isEqualTo("error: invalid value 'x' for DEADLINE_GUARD_VALIDATE_MODE (--validate-mode): "
                + "expected one of enforce, warn\nsee 'deadline-guard review --help'\n");
        assertThat(env.exitCode()).isEqualTo(2);
    }

    /** Needs util-linux's script(1) (in every Debian) to give the jar a terminal. */
    @Test
    void reviewWithoutAFileOnATerminalSaysItIsWaitingForStandardInput() throws Exception {
        Process p = new ProcessBuilder("script", "-qfec", "java -jar " + ServeJarIT.JAR.toAbsolutePath() + " review", "/dev/null")
                .directory(workDir.toFile()).redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                seen.append("\n(read failed: ").append(e.getMessage()).append(')');
            }
        });
        reader.start();
        try {
            String hint = "reading an AdmissionReview from standard input (end it with Ctrl-D); pass a FILE instead, "
                    + "see 'deadline-guard review --help'";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!seen.toString().contains(hint) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(seen.toString()).contains(hint);
            assertThat(p.isAlive()).as("still waiting for input").isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        }
    }
}
