package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.testing.TlsClient;

import java.nio.file.Path;
import java.time.Duration;

final class TestServers {

    private TestServers() {
    }

    static ServerSettings settings(TestCertificates certs, long maxRequestBytes) {
        return new ServerSettings("127.0.0.1", 0, certs.files(), maxRequestBytes, Duration.ofSeconds(5), Duration.ofSeconds(10), null);
    }

    /** A started server with default rules, its metrics, and a client that trusts it. */
    record Running(TestCertificates certs, AdmissionServer server, MetricsRegistry metrics, TlsClient client)
            implements AutoCloseable {
        @Override
        public void close() {
            server.stop();
        }
    }

    static Running start(Path certDir, long maxRequestBytes) throws Exception {
        TestCertificates certs = TestCertificates.in(certDir);
        MetricsRegistry metrics = new MetricsRegistry(false);
        AdmissionServer server = new AdmissionServer(settings(certs, maxRequestBytes), certs.serving(),
                new AdmissionReviewer(GuardConfig.defaults()), metrics).start();
        return new Running(certs, server, metrics, new TlsClient(certs.clientContext(), server.port()));
    }
}
