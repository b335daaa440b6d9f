package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.tls.CertificateFiles;
import dev.deadlineguard.tls.CertificateGenerator;
import dev.deadlineguard.tls.CertificateInfo;
import dev.deadlineguard.tls.CertificateReloader;
import dev.deadlineguard.tls.IssuedCertificate;
import dev.deadlineguard.tls.KeyType;
import dev.deadlineguard.tls.PemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rotates the serving certificate the way the kubelet updates a Secret volume (write a new
 * timestamped directory, then atomically swap the {@code ..data} symlink) while a client keeps sending
 * reviews over fresh TLS connections.
 */
class CertificateRotationTest {

    static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path root;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void secretVolumeRotationUnderLoadFailsNoRequest() throws Exception {
        Fixture f = new Fixture(root);
        String oldFingerprint = CertificateInfo.fingerprint(f.reloader.current().leaf());
        IssuedCertificate next = f.issue(Duration.ofDays(30));
        String newFingerprint = CertificateInfo.fingerprint(next.certificate());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicReference<String> lastSeen = new AtomicReference<>();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int i = 0; running.get() && i < 100_000; i++) {
                try {
                    Exchange exchange = post(f.clientContext, f.server.port());
                    if (exchange.response.startsWith("HTTP/1.1 200 ") && exchange.response.contains("\"allowed\":true")) {
                        ok.incrementAndGet();
                        seen.add(exchange.fingerprint);
                        lastSeen.set(exchange.fingerprint);
                    } else {
                        failures.add(exchange.response.lines().findFirst().orElse("empty response"));
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        while (ok.get() < 20) {
            Thread.onSpinWait();
        }
        long swapped = System.nanoTime();
        f.swapTo(next);
        while (!newFingerprint.equals(lastSeen.get()) && load.isDone() == false) {
            Thread.onSpinWait();
        }
        long servedAfterMillis = (System.nanoTime() - swapped) / 1_000_000;
        int okAtSwap = ok.get();
        while (ok.get() < okAtSwap + 20) {
            Thread.onSpinWait();
        }
        running.set(false);
        load.get(30, TimeUnit.SECONDS);
        f.close();

        assertThat(failures).isEmpty();
        assertThat(seen).containsExactlyInAnyOrder(oldFingerprint, newFingerprint);
        assertThat(lastSeen.get()).isEqualTo(newFingerprint);
        // The documented bound is one reload interval; allow scheduling slack on a loaded 2-core machine.
        assertThat(servedAfterMillis).isLessThan(INTERVAL.toMillis() + 5_000);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBrokenRotationKeepsServingTheOldCertificate() throws Exception {
        Fixture f = new Fixture(root);
        String oldFingerprint = CertificateInfo.fingerprint(f.reloader.current().leaf());
        IssuedCertificate next = f.issue(Duration.ofDays(30));
        IssuedCertificate other = f.issue(Duration.ofDays(30));

        f.swapTo(new IssuedCertificate(next.certificate(), other.privateKey()));  // mismatched pair
        assertThat(f.reloader.checkNow()).isFalse();
        assertThat(post(f.clientContext, f.server.port()).fingerprint).isEqualTo(oldFingerprint);
        assertThat(new String(f.metrics.scrape(), StandardCharsets.UTF_8))
                .contains("deadline_guard_certificate_reloads_total{result=\"failure\"} 1.0")
                .contains("deadline_guard_certificate_expiry_timestamp_seconds "
                        + Double.toString(f.reloader.current().leaf().getNotAfter().toInstant().getEpochSecond()) + "\n");

        f.swapTo(next);  // then a good one
        assertThat(f.reloader.checkNow()).isTrue();
        assertThat(post(f.clientContext, f.server.port()).fingerprint).isEqualTo(CertificateInfo.fingerprint(next.certificate()));
        f.close();
    }

    /** A server whose certificate lives in a Secret-volume-shaped directory. */
    static final class Fixture implements AutoCloseable {
        final Path volume;
        final IssuedCertificate ca;
        final SSLContext clientContext;
        final MetricsRegistry metrics = new MetricsRegistry(false);
        final CertificateReloader reloader;
        final AdmissionServer server;
        int generation;

        Fixture(Path root) throws Exception {
            TestCertificates certs = TestCertificates.in(root.resolve("issued"));
            ca = new IssuedCertificate(PemFiles.readCertificates(certs.caFile()).get(0),
                    PemFiles.readPrivateKey(root.resolve("issued/ca.key")));
            clientContext = certs.clientContext();
            volume = Files.createDirectories(root.resolve("volume"));
            swapTo(new IssuedCertificate(PemFiles.readCertificates(certs.files().certificate()).get(0),
                    PemFiles.readPrivateKey(certs.files().privateKey())));
            Files.createSymbolicLink(volume.resolve("tls.crt"), Path.of("..data/tls.crt"));
            Files.createSymbolicLink(volume.resolve("tls.key"), Path.of("..data/tls.key"));
            CertificateFiles files = new CertificateFiles(volume.resolve("tls.crt"), volume.resolve("tls.key"));
            AtomicReference<AdmissionServer> ref = new AtomicReference<>();
            reloader = new CertificateReloader(files, Clock.systemUTC(), Duration.ofDays(7),
                    pair -> ref.get().useCertificate(pair), metrics.tls());
            server = new AdmissionServer(new ServerSettings("127.0.0.1", 0, files, ServerSettings.DEFAULT_MAX_REQUEST_BYTES,
                    Duration.ofSeconds(5), Duration.ofSeconds(5), null), reloader.current(),
                    new AdmissionReviewer(GuardConfig.defaults()), metrics);
            ref.set(server);
            server.start();
            reloader.start(INTERVAL);
        }

        IssuedCertificate issue(Duration validity) throws Exception {
            return new CertificateGenerator(Clock.systemUTC()).issueServing(ca, List.of("localhost", "127.0.0.1"),
                    KeyType.ECDSA_P256, validity);
        }

        /** What the kubelet does: a new timestamped directory, then an atomic rename of the ..data symlink. */
        void swapTo(IssuedCertificate pair) throws IOException {
            Path data = Files.createDirectory(volume.resolve("..2026_11_26_" + (generation++)));
            PemFiles.writeCertificates(data.resolve("tls.crt"), List.of(pair.certificate()));
            PemFiles.writePrivateKey(data.resolve("tls.key"), pair.privateKey());
            Path tmp = volume.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, data.getFileName());
            Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void close() {
            reloader.close();
            server.stop();
        }
    }

    record Exchange(String response, String fingerprint) {
    }

    /** One review over a fresh TLS connection ({@code Connection: close}), noting the certificate served. */
    static Exchange post(SSLContext context, int port) throws Exception {
        byte[] body = Samples.bytes("04-blanked");
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            javax.net.ssl.SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            String fingerprint = CertificateInfo.fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return new Exchange(response.toString(StandardCharsets.UTF_8), fingerprint);
        }
    }
}
