package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;
import dev.deadlineguard.tls.CertificateGenerator;
import dev.deadlineguard.tls.IssuedCertificate;
import dev.deadlineguard.tls.KeyType;
import dev.deadlineguard.tls.PemFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MutualTlsTest {

    @TempDir
    Path dir;

    @Test
    void clientCaFileRequiresAndVerifiesClientCertificates() throws Exception {
        TestCertificates certs = TestCertificates.in(dir.resolve("serving"));
        CertificateGenerator generator = new CertificateGenerator(Clock.systemUTC());
        IssuedCertificate clientCa = generator.createCa("apiserver clients", KeyType.ECDSA_P256, Duration.ofDays(30));
        PemFiles.writeCertificates(dir.resolve("client-ca.crt"), List.of(clientCa.certificate()));
        IssuedCertificate apiserver = generator.issueClient(clientCa, "kube-apiserver", KeyType.ECDSA_P256, Duration.ofDays(1));
        IssuedCertificate stranger = generator.issueClient(
                generator.createCa("someone else", KeyType.ECDSA_P256, Duration.ofDays(30)), "intruder", KeyType.ECDSA_P256, Duration.ofDays(1));

        ServerSettings settings = new ServerSettings("127.0.0.1", 0, certs.files(), ServerSettings.DEFAULT_MAX_REQUEST_BYTES,
                Duration.ofSeconds(5), Duration.ofSeconds(5), dir.resolve("client-ca.crt"));
        try (AdmissionServer server = new AdmissionServer(settings, certs.serving(), new AdmissionReviewer(GuardConfig.defaults()),
                new MetricsRegistry(false)).start()) {
            TlsClient trusted = new TlsClient(context(certs, apiserver), server.port());
            assertThat(trusted.postJson("/validate", Samples.bytes("04-blanked")).statusCode()).isEqualTo(200);

            for (SSLContext untrusted : List.of(certs.clientContext(), context(certs, stranger))) {
                assertThatThrownBy(() -> new TlsClient(untrusted, server.port()).postJson("/validate", Samples.bytes("04-blanked")))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    static SSLContext context(TestCertificates certs, IssuedCertificate client) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.privateKey(), "pw".toCharArray(), new X509Certificate[] {client.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificates(certs.caFile()).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
