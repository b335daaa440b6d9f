package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {

    @TempDir
    Path certDir;

    @Test
    void warmUpReviewsAreAnsweredButNotCountedOrObserved() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        MetricsRegistry metrics = new MetricsRegistry(false);
        List<String> observed = new CopyOnWriteArrayList<>();
        ReviewObserver observer = (endpoint, result) -> observed.add(result.action());
        try (AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), new AdmissionReviewer(GuardConfig.defaults()), metrics, observer).start()) {
            WarmUp warmUp = new WarmUp();
            WarmUp.Outcome outcome = warmUp.run("127.0.0.1", server.port(), certs.serving().leaf(), 2, Duration.ofSeconds(60), 50);

            assertThat(outcome.problem()).isNull();
            assertThat(outcome.reviews()).isEqualTo(50);
            // This server has its own token: the reviews of another WarmUp are real reviews to it.
            // (The observer hears of a review after its answer is written.)
            Eventually.until("50 reviews observed", Duration.ofSeconds(10), () -> observed.size() == 50);
            assertThat(observed).hasSize(50).containsOnly("patch");
            observed.clear();

            TlsClient client = new TlsClient(certs.clientContext(), server.port());
            String before = new String(metrics.scrape(), StandardCharsets.UTF_8);
            assertThat(client.postJson("/mutate", Samples.bytes("04-blanked")).statusCode()).isEqualTo(200);
            Eventually.until("the review observed", Duration.ofSeconds(10), () -> observed.size() == 1);
            assertThat(observed).containsExactly("patch");
            assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).isNotEqualTo(before);
        }
    }

    @Test
    void aServerWarmingUpIsNotReadyAndCountsNothingOfItsOwnWarmUp() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        MetricsRegistry metrics = new MetricsRegistry(false);
        List<String> observed = new CopyOnWriteArrayList<>();
        ReviewObserver observer = (endpoint, result) -> observed.add(result.action());
        try (AdmissionServer server = new AdmissionServer(TestServers.settings(certs, ServerSettings.DEFAULT_MAX_REQUEST_BYTES),
                certs.serving(), new AdmissionReviewer(GuardConfig.defaults()), metrics, observer)
                .warmUpFor(Duration.ofMillis(1500)).start()) {
            TlsClient client = new TlsClient(certs.clientContext(), server.port());
            HttpResponse<String> warming = client.send("GET", "/readyz");
            assertThat(warming.statusCode()).isEqualTo(503);
            assertThat(warming.body()).isEqualTo(BadInputTest.status(503, "ServiceUnavailable",
                    "not ready: warm-up: reviewing against itself for up to 1500 ms"));

            Eventually.until("ready after the warm-up", Duration.ofSeconds(30), () -> status(client, "/readyz") == 200);
            assertThat(client.send("GET", "/readyz?verbose").body()).contains("[+]warm-up ok: done\n");
            assertThat(observed).as("warm-up reviews are not observed (no Events)").isEmpty();
            assertThat(admissionSeries(metrics)).as("warm-up reviews are not counted")
                    .isEqualTo(admissionSeries(new MetricsRegistry(false)));
        }
    }

    private static int status(TlsClient client, String path) {
        try {
            return client.send("GET", path).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> admissionSeries(MetricsRegistry metrics) {
        return new String(metrics.scrape(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("deadline_guard_admission_")).toList();
    }

    @Test
    void aWarmUpThatCannotConnectSaysWhyAndEnds() throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WarmUp.Outcome outcome = new WarmUp().run("127.0.0.1", closedPort, certs.serving().leaf(), 2,
                Duration.ofSeconds(60), 50);
        assertThat(outcome.reviews()).isZero();
        assertThat(outcome.problem()).isEqualTo("Connection refused");
    }

    @Test
    void theWarmUpReviewIsTheInvalidDeadlineSampleAsTheApiserverSendsIt() throws Exception {
        try (InputStream in = WarmUp.class.getResourceAsStream("warm-up-review.json")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(Json.MAPPER.writeValueAsString(Samples.json("06-invalid")));
        }
    }
}
