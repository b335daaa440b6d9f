package dev.deadlineguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.testing.Samples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the built fat jar the way the README does: start it with its defaults, then curl it over TLS. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeJarIT {

    static final Path JAR = Path.of("target/deadline-guard.jar");
    /** Where serve puts its local try-out certificates by default, relative to its working directory. */
    static final String TRY_OUT = ".deadline-guard/localhost";
    static final Pattern TRY = Pattern.compile("Try: curl --silent --cacert (\\S+) .* https://localhost:(\\d+)/mutate");

    @TempDir
    Path workDir;
    Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesTheSamplesOverTlsToCurlAndStopsGracefullyOnSigterm() throws Exception {
        Started started = start();
        assertThat(started.caFile()).isEqualTo(".deadline-guard/localhost/ca.crt");
        Path ca = workDir.resolve(started.caFile());
        for (String file : List.of("ca.crt", "tls.crt", "tls.key", "ca.key")) {
            assertThat(workDir.resolve(TRY_OUT).resolve(file)).exists();
        }
        assertThat(Files.getPosixFilePermissions(workDir.resolve(TRY_OUT + "/tls.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        JsonNode mutate = curl(ca, started.port(), "/mutate", "04-blanked");
        assertThat(mutate.at("/response/uid").asText()).isEqualTo(Samples.json("04-blanked").at("/request/uid").asText());
        assertThat(mutate.at("/response/allowed").asBoolean()).isTrue();
        assertThat(Json.MAPPER.readTree(Base64.getDecoder().decode(mutate.at("/response/patch").asText())))
                .isEqualTo(Json.MAPPER.readTree("[{\"op\":\"replace\",\"path\":\"/metadata/annotations/scale-down-deadline\","
                        + "\"value\":\"2024-08-01T15:13:36Z\"}]"));

        JsonNode validate = curl(ca, started.port(), "/validate", "10-dropped-by-other");
        assertThat(validate.at("/response/allowed").asBoolean()).isFalse();
        assertThat(validate.at("/response/status/code").asInt()).isEqualTo(403);

        server.destroy();  // SIGTERM
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(143);
        assertThat(Files.readString(started.log())).contains("sweeper off: no cluster configuration found (the kubeconfig "
                + workDir.resolve("no-kubeconfig") + " does not exist); serving admission only");
        assertThat(Files.readString(started.log()))
                .contains("shutting down: /readyz now answers 503, still answering reviews until endpoints update")
                .contains("shutting down: finishing in-flight requests");
    }

    @Test
    void reusesTheGeneratedCertificateOnTheNextStart() throws Exception {
        Started first = start();
        byte[] ca = Files.readAllBytes(workDir.resolve(TRY_OUT + "/ca.crt"));
        byte[] cert = Files.readAllBytes(workDir.resolve(TRY_OUT + "/tls.crt"));
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Started second = start();
        assertThat(Files.readAllBytes(workDir.resolve(TRY_OUT + "/ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(workDir.resolve(TRY_OUT + "/tls.crt"))).isEqualTo(cert);
        assertThat(curl(workDir.resolve(TRY_OUT + "/ca.crt"), second.port(), "/mutate", "01-unchanged").at("/response/allowed").asBoolean())
                .isTrue();
        assertThat(first.port()).isPositive();
    }

    @Test
    void reloadsARotatedCertificateWithoutARestart() throws Exception {
        Started started = start("--cert-reload-interval", "1s");
        Path certs = workDir.resolve(TRY_OUT);
        String before = servedFingerprint(started.port());
        assertThat(before).isEqualTo(fingerprint(certs.resolve("tls.crt")));

        Process rotate = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "certs", "--service", "webhook",
                "--namespace", "ops", "--out", certs.toString(), "--extra-san", "localhost,127.0.0.1", "--force")
                .redirectErrorStream(true).start();
        String rotated = new String(rotate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rotate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rotated).contains("kept   " + certs.resolve("ca.crt")).contains("issued " + certs.resolve("tls.crt"));
        String after = fingerprint(certs.resolve("tls.crt"));
        assertThat(after).isNotEqualTo(before);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String served = before;
        while (!served.equals(after) && System.nanoTime() < deadline) {
            served = servedFingerprint(started.port());
        }
        assertThat(served).isEqualTo(after);
        assertThat(curl(certs.resolve("ca.crt"), started.port(), "/mutate", "01-unchanged").at("/response/allowed").asBoolean()).isTrue();
        assertThat(server.isAlive()).isTrue();
        assertThat(Files.readString(started.log())).contains("reloaded the serving certificate from " + TRY_OUT + "/tls.crt: sha256 " + after);
    }

    @Test
    void theClustersCertificatesFromTheReadmeDoNotTouchTheRunningTryOut() throws Exception {
        Started started = start("--cert-reload-interval", "1s");
        String served = servedFingerprint(started.port());

        // The README's certs example, run in the same directory while the server runs.
        Process certs = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "certs", "--service", "deadline-guard",
                "--namespace", "deadline-guard", "--out", "certs").directory(workDir.toFile()).redirectErrorStream(true).start();
        String printed = new String(certs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(certs.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(certs.exitValue()).as(printed).isZero();
        assertThat(printed).contains("issued certs/ca.crt", "issued certs/tls.crt");
        assertThat(Files.readAllBytes(workDir.resolve("certs/ca.crt"))).isNotEqualTo(Files.readAllBytes(workDir.resolve(TRY_OUT + "/ca.crt")));

        // Past a few reload intervals the server still serves the localhost certificate its try-out CA signed.
        Thread.sleep(3000);  // nothing changes, so there is no condition to poll for: give the reloader its chances
        assertThat(servedFingerprint(started.port())).isEqualTo(served);
        assertThat(curl(workDir.resolve(TRY_OUT + "/ca.crt"), started.port(), "/mutate", "01-unchanged").at("/response/allowed")
                .asBoolean()).isTrue();
    }

    private static String servedFingerprint(int port) throws Exception {
        Process sClient = new ProcessBuilder("bash", "-c", "openssl s_client -connect 127.0.0.1:" + port
                + " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256").start();
        String out = new String(sClient.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(sClient.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.replaceFirst("^(?i)sha256 Fingerprint=", "");
    }

    private static String fingerprint(Path certificate) throws Exception {
        return dev.deadlineguard.tls.CertificateInfo.fingerprint(dev.deadlineguard.tls.PemFiles.readCertificates(certificate).get(0));
    }

    @Test
    void reviewCommandWorksFromTheJar() throws Exception {
        Process review = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "review", "--validate",
                Samples.path("06-invalid").toAbsolutePath().toString()).start();
        String out = new String(review.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(review.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(review.exitValue()).isZero();
        assertThat(Json.MAPPER.readTree(out).at("/response/status/message").asText())
                .startsWith("scale-down-deadline on ReplicaSet shop/checkout-6d8f7b9c4d was set to non-RFC 3339");
    }

    /** @param log the server's standard error, redirected to a file: destroy() closes the process's pipes */
    record Started(int port, String caFile, Path log) {
    }

    private Started start(String... flags) throws IOException {
        Path log = Files.createTempFile(workDir, "server", ".log");
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toAbsolutePath().toString(), "serve", "--port", "0",
                "--shutdown-delay", "1s"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command);
        // No cluster here: point the standard kubeconfig resolution at nothing, so the sweeper says so and stays off.
        builder.environment().put("KUBECONFIG", workDir.resolve("no-kubeconfig").toString());
        server = builder
                .directory(workDir.toFile())
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = TRY.matcher(line);
            if (m.find()) {
                return new Started(Integer.parseInt(m.group(2)), m.group(1), log);
            }
        }
        throw new IllegalStateException("server exited before printing its curl line: " + Files.readString(log));
    }

    private JsonNode curl(Path ca, int port, String path, String sample) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--fail-with-body",
                "--cacert", ca.toString(), "-H", "Content-Type: application/json",
                "--data", "@" + Samples.path(sample).toAbsolutePath(), "https://localhost:" + port + path));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(out).isZero();
        return Json.MAPPER.readTree(out);
    }
}
