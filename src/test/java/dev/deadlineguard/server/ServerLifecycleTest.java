package dev.deadlineguard.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.DeadlinePolicy;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ServerLifecycleTest {

    @TempDir
    Path certDir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopLetsInFlightReviewsFinishAndRefusesNewConnections() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AdmissionReviewer slow = new AdmissionReviewer(GuardConfig.defaults(), (input, config) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DeadlinePolicy.decide(input, config);
        });
        AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), slow, new MetricsRegistry(false)).start();
        int port = server.port();
        TlsClient client = new TlsClient(certs.clientContext(), port);

        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return client.postJson("/mutate", Samples.bytes("04-blanked"));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        entered.await();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        while (accepts(port)) {
            Thread.onSpinWait();
        }
        assertThat(inFlight).isNotDone();
        release.countDown();

        HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TlsClient.json(response).at("/response/patchType").asText()).isEqualTo("JSONPatch");
        stopping.get(20, TimeUnit.SECONDS);
        assertThat(accepts(port)).isFalse();
    }

    @Test
    void internalErrorFailsOpenWithAWarningAndIsCounted() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        MetricsRegistry metrics = new MetricsRegistry(false);
        AdmissionReviewer broken = new AdmissionReviewer(GuardConfig.defaults(), (input, config) -> {
            throw new IllegalStateException("boom");
        });
        try (AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), broken, metrics).start()) {
            HttpResponse<String> response = new TlsClient(certs.clientContext(), server.port())
                    .postJson("/validate", Samples.bytes("04-blanked"));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode r = TlsClient.json(response).get("response");
            assertThat(r.get("allowed").asBoolean()).isTrue();
            assertThat(r.get("uid").asText()).isEqualTo(Samples.json("04-blanked").at("/request/uid").asText());
            assertThat(r.get("warnings").get(0).asText()).isEqualTo("deadline-guard could not check the update of ReplicaSet "
                    + "shop/checkout-6d8f7b9c4d (internal error IllegalStateException) and allowed it unchecked");
            assertThat(response.body()).doesNotContain("boom").doesNotContain("at dev.");
            assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8))
                    .containsPattern("deadline_guard_admission_reviews_total\\{action=\"fail_open\",case=\"error\",endpoint=\"validate\"} 1");
        }
    }

    @Test
    void readinessFollowsItsChecks() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        java.util.concurrent.atomic.AtomicBoolean synced = new java.util.concurrent.atomic.AtomicBoolean(false);
        try (AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), new AdmissionReviewer(GuardConfig.defaults()), new MetricsRegistry(false))) {
            server.readiness().require("certificate", () -> synced.get()
                    ? Readiness.Result.ok("expires soon") : Readiness.Result.failed("not loaded"));
            server.readiness().inform("sweeper-synced", () -> Readiness.Result.failed("listing rollouts.argoproj.io: 404"));
            server.start();
            TlsClient client = new TlsClient(certs.clientContext(), server.port());

            HttpResponse<String> notReady = client.send("GET", "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo(BadInputTest.status(503, "ServiceUnavailable", "not ready: certificate: not loaded"));
            HttpResponse<String> notReadyVerbose = client.send("GET", "/readyz?verbose");
            assertThat(notReadyVerbose.statusCode()).isEqualTo(503);
            assertThat(notReadyVerbose.body()).isEqualTo("[+]shutdown ok\n[+]server ok: accepting on port " + server.port()
                    + "\n[-]certificate failed: not loaded\n"
                    + "[-]sweeper-synced failed: listing rollouts.argoproj.io: 404 (informational)\nreadyz check failed\n");
            synced.set(true);
            HttpResponse<String> ready = client.send("GET", "/readyz");
            assertThat(ready.statusCode()).as("an informational check never makes the replica unready").isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ok\n");
            assertThat(client.send("GET", "/readyz?verbose").body()).isEqualTo("[+]shutdown ok\n[+]server ok: accepting on port "
                    + server.port() + "\n[+]certificate ok: expires soon\n"
                    + "[-]sweeper-synced failed: listing rollouts.argoproj.io: 404 (informational)\nreadyz check passed\n");

            server.beginShutdown();
            HttpResponse<String> draining = client.send("GET", "/readyz");
            assertThat(draining.statusCode()).isEqualTo(503);
            assertThat(draining.body()).isEqualTo(BadInputTest.status(503, "ServiceUnavailable", "not ready: shutdown: shutting down"));
            assertThat(client.postJson("/mutate", Samples.bytes("04-blanked")).statusCode()).as("still answering reviews").isEqualTo(200);
        }
    }

    @Test
    void servesOnlyTls12And13() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        try (AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), new AdmissionReviewer(GuardConfig.defaults()), new MetricsRegistry(false)).start()) {
            assertThat(handshake(certs, server.port(), "TLSv1.3")).isEqualTo("TLSv1.3");
            assertThat(handshake(certs, server.port(), "TLSv1.2")).isEqualTo("TLSv1.2");

            Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                    "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
            openssl.getOutputStream().close();
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("alert protocol version");
            assertThat(openssl.exitValue()).isNotZero();
        }
    }

    private static String handshake(TestCertificates certs, int port, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("localhost", port)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
