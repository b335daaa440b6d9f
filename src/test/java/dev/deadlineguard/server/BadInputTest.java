package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Client mistakes get a 4xx with a Kubernetes-Status-shaped JSON body, never a 5xx or a hang. */
class BadInputTest {

    static final long LIMIT = 256 * 1024;

    @TempDir
    static Path certDir;
    static TestCertificates certs;
    static TestServers.Running running;
    static AdmissionServer server;
    static TlsClient client;
    static MetricsRegistry metrics;

    @BeforeAll
    static void start() throws Exception {
        running = TestServers.start(certDir, LIMIT);
        certs = running.certs();
        server = running.server();
        metrics = running.metrics();
        client = running.client();
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void wrongMethodIs405(String method) throws Exception {
        HttpResponse<String> response = client.send(method, "/mutate");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(response.body()).isEqualTo(status(405, "MethodNotAllowed",
                "method " + method + " is not allowed on /mutate; POST an AdmissionReview"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST /healthz", "PUT /readyz", "DELETE /metrics", "POST /metrics"})
    void writingToTheProbesAndMetricsIs405WithAllow(String request) throws Exception {
        String method = request.split(" ")[0];
        String path = request.split(" ")[1];
        HttpResponse<String> response = client.send(method, path);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(response.body()).isEqualTo(status(405, "MethodNotAllowed",
                "method " + method + " is not allowed on " + path + "; use GET"));
    }

    @Test
    void wrongMediaTypeIs415() throws Exception {
        HttpResponse<String> text = client.post("/validate", "text/plain", Samples.bytes("04-blanked"));
        HttpResponse<String> none = client.post("/validate", null, Samples.bytes("04-blanked"));

        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).isEqualTo(status(415, "UnsupportedMediaType",
                "Content-Type must be application/json, got 'text/plain'"));
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(none.body()).isEqualTo(status(415, "UnsupportedMediaType", "Content-Type must be application/json, got none"));
        assertThat(client.post("/validate", "Application/JSON; charset=utf-8", Samples.bytes("04-blanked")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        HttpResponse<String> response = client.postJson("/mutate", "{".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(status(400, "BadRequest",
                "request body is not valid JSON at line 1, column 2: the input ends early (truncated?)"));
    }

    @Test
    void emptyBodyIs400() throws Exception {
        HttpResponse<String> response = client.postJson("/mutate", new byte[0]);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(status(400, "BadRequest", "request body is empty; expected an AdmissionReview"));
    }

    @Test
    void reviewWithoutUidIs400() throws Exception {
        HttpResponse<String> response = client.postJson("/validate",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"UPDATE\"}}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(status(400, "BadRequest", "request.uid is missing or empty"));
    }

    /**
     * The server answers from the headers, before any of the body is read. (Sending the body with a
     * client that only reads after writing races with the server closing the connection, so the test
     * sends the headers alone, as a slow client would.)
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void declaredBodyOverTheLimitIs413() throws Exception {
        try (SSLSocket socket = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("localhost", server.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = readAll(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 413 ");
            assertThat(response).endsWith(status(413, "RequestEntityTooLarge",
                    "request body of " + (LIMIT + 1) + " bytes is over the limit of " + LIMIT + " bytes"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void endlessChunkedBodyIs413WithoutReadingItAll() throws Exception {
        try (SSLSocket socket = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("localhost", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                while (sent < 64L * 1024 * 1024) {  // bounded: 64 MiB, far beyond the 256 KiB limit
                    out.write(header);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
            } catch (java.io.IOException closedByServer) {
                // expected: the server answers and closes once the limit is passed
            }
            String response = readAll(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413 ");
            assertThat(response).endsWith(status(413, "RequestEntityTooLarge", "request body is over the limit of " + LIMIT + " bytes"));
            assertThat(sent).isLessThan(64L * 1024 * 1024);
        }
    }

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpResponse<String> response = client.send("GET", "/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo(status(404, "NotFound",
                "no such path: /nope; admission reviews go to /mutate or /validate"));
    }

    @Test
    void rejectionsAreCounted() throws Exception {
        client.post("/mutate", "text/plain", new byte[] {1});
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8))
                .containsPattern("deadline_guard_admission_rejected_requests_total\\{code=\"415\",endpoint=\"mutate\"} [1-9]");
    }

    static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    }

    private static String readAll(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            // connection closed after the response
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
