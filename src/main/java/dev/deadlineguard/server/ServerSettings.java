package dev.deadlineguard.server;

import dev.deadlineguard.tls.CertificateFiles;

import java.time.Duration;

/**
 * How the HTTPS server listens.
 *
 * @param host            address to bind ({@code 0.0.0.0} for all)
 * @param port            HTTPS port; 0 picks a free one
 * @param certificate     the serving certificate and key
 * @param maxRequestBytes largest request body accepted on the admission endpoints
 * @param idleTimeout     how long a connection may sit idle or stall mid-request
 * @param shutdownGrace   how long in-flight reviews may take to finish after SIGTERM
 * @param clientCaFile    when set, clients must present a certificate issued by a CA in this PEM file
 */
public record ServerSettings(
        String host,
        int port,
        CertificateFiles certificate,
        long maxRequestBytes,
        Duration idleTimeout,
        Duration shutdownGrace,
        java.nio.file.Path clientCaFile) {

    /**
     * 7 MiB: an AdmissionReview carries the object twice and the apiserver accepts objects up to
     * 3 MiB (etcd's 1.5 MiB default limit plus encoding), the same bound controller-runtime uses.
     */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 7L * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(25);
}
