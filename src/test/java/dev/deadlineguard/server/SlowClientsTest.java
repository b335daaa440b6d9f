package dev.deadlineguard.server;

import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.SlowClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowloris over TLS: hundreds of connections that sent their headers and one byte of a declared
 * 100 KB body hold no thread, so normal reviews on other connections are still answered. (Timed
 * goals live in bench/admission.sh: 1,000 slow connections there.)
 */
class SlowClientsTest {

    static final int SLOW = 300;

    @TempDir
    static Path certDir;
    static TestServers.Running running;

    @BeforeAll
    static void start() throws Exception {
        running = TestServers.start(certDir, ServerSettings.DEFAULT_MAX_REQUEST_BYTES);
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void normalReviewsAreAnsweredWhileSlowClientsHoldConnections() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(running.certs().clientContext())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest review = HttpRequest.newBuilder(URI.create("https://localhost:" + running.server().port() + "/mutate"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.bytes("04-blanked")))
                .build();
        try (SlowClients slow = new SlowClients(running.certs().clientContext(), running.server().port())) {
            slow.connect(SLOW);
            slow.startRequests();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = client.send(review, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"patchType\":\"JSONPatch\"");
            }
            assertThat(slow.stillOpen()).as("the slow requests were still open while the reviews were answered")
                    .isEqualTo(SLOW);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBodyTrickledBelowTheMinimumRateIsCutOffWith408() throws Exception {
        try (SlowClients slow = new SlowClients(running.certs().clientContext(), running.server().port())) {
            slow.connect(1);
            slow.startRequests();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (slow.stillOpen() == 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);  // trickles one byte each time, far under the minimum rate
            }
            assertThat(slow.stillOpen()).as("the server closed the slow request").isZero();
        }
        assertThat(new String(running.metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8))
                .containsPattern("deadline_guard_admission_rejected_requests_total\\{code=\"408\",endpoint=\"mutate\"} [1-9]");
    }
}
