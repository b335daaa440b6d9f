package dev.deadlineguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.testing.LargeReviews;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.ServedJar;
import dev.deadlineguard.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of the largest reviews the apiserver sends, 64 at once, against the built jar with the
 * manifests' JVM flags in a 256 MiB memory limit: the process stays up, every review is answered
 * (200 with the repair, or 429 with a JSON Status so the apiserver applies the failurePolicy), and a
 * small review right after is answered normally. Peak RSS and time are measured by
 * {@code bench/admission.sh}, not here; the client's timeouts are generous because this machine may
 * be shared (at a load average of 30 on 2 cores, the burst took over a minute).
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class LargeReviewBurstIT {

    static final Path DEPLOYMENT = Path.of("manifests/base/deployment.yaml");
    static final Pattern JVM_FLAGS = Pattern.compile("name: JAVA_TOOL_OPTIONS\\s+value: (.+)");
    static final int CONCURRENT = 64;

    @TempDir
    Path workDir;
    ServedJar server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void survivesABurstOfTheLargestReviewsAndAnswersEveryOne() throws Exception {
        byte[] large = LargeReviews.twoReplicaSetsOf1400KiB();
        server = ServedJar.start(workDir, manifestJvmFlags(), List.of("--no-sweeper"),
                Map.of("KUBECONFIG", workDir.resolve("no-kubeconfig").toString()));
        int port = server.port();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TestCertificates.trusting(server.caFile()))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(120))
                .build();

        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            burst.add(client.sendAsync(post(port, large), HttpResponse.BodyHandlers.ofString()));
        }
        int patched = 0;
        int tooMany = 0;
        for (CompletableFuture<HttpResponse<String>> answer : burst) {
            HttpResponse<String> response = answer.get(300, TimeUnit.SECONDS);
            if (response.statusCode() == 429) {
                tooMany++;
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
                JsonNode status = Json.MAPPER.readTree(response.body());
                assertThat(status.path("kind").asText()).isEqualTo("Status");
                assertThat(status.path("code").asInt()).isEqualTo(429);
                assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
                continue;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode review = Json.MAPPER.readTree(response.body());
            assertThat(review.at("/response/uid").asText()).isEqualTo(Samples.json("04-blanked").at("/request/uid").asText());
            assertThat(review.at("/response/patchType").asText()).isEqualTo("JSONPatch");
            patched++;
        }
        assertThat(patched + tooMany).isEqualTo(CONCURRENT);
        assertThat(patched).as("some of the burst is reviewed, not all turned away").isPositive();
        assertThat(server.process().isAlive()).as("server alive after the burst; log:%n%s", tail(server.logText())).isTrue();

        HttpResponse<String> small = client.send(post(port, Samples.bytes("04-blanked")), HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(small.body()).at("/response/allowed").asBoolean()).isTrue();
        assertThat(server.logText()).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
    }

    private static HttpRequest post(int port, byte[] body) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mutate"))
                .timeout(Duration.ofSeconds(240))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** The JVM flags of the manifests, plus the 256 MiB limit a pod would have. */
    static List<String> manifestJvmFlags() throws Exception {
        Matcher m = JVM_FLAGS.matcher(Files.readString(DEPLOYMENT));
        assertThat(m.find()).as("JAVA_TOOL_OPTIONS in " + DEPLOYMENT).isTrue();
        List<String> flags = new ArrayList<>(Arrays.asList(m.group(1).trim().split("\\s+")));
        flags.add("-XX:MaxRAM=256m");
        return flags;
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
