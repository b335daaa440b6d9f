package dev.deadlineguard.server;

import dev.deadlineguard.testing.TestCertificates;

import java.time.Duration;

final class TestServers {

    private TestServers() {
    }

    static ServerSettings settings(TestCertificates certs, long maxRequestBytes) {
        return new ServerSettings("127.0.0.1", 0, certs.files(), maxRequestBytes, Duration.ofSeconds(5), Duration.ofSeconds(10), null);
    }
}
