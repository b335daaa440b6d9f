package dev.deadlineguard.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The embedded default certificate: when the certificate directory has no {@code tls.crt} and
 * {@code tls.key}, a CA and a serving certificate for the local names are generated there once and
 * reused on every later start, so that {@code curl --cacert DIR/ca.crt} works.
 */
public final class ServingCertificates {

    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String TLS_CERT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    /** The local names the generated certificate covers. */
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);

    private ServingCertificates() {
    }

    /**
     * Returns the certificate and key in {@code dir}, generating a CA and a serving certificate there
     * first when either file is missing.
     *
     * @param extraNames further SANs for the generated certificate (for example the Service names)
     */
    public static CertificateFiles ensure(Path dir, List<String> extraNames, Clock clock) throws IOException, GeneralSecurityException {
        Path cert = dir.resolve(TLS_CERT);
        Path key = dir.resolve(TLS_KEY);
        if (Files.exists(cert) && Files.exists(key)) {
            return new CertificateFiles(cert, key);
        }
        List<String> names = new java.util.ArrayList<>(LOCAL_NAMES);
        extraNames.stream().filter(n -> !names.contains(n)).forEach(names::add);
        new CertificateDirectory(dir, clock).ensure(new CertificateRequest(names, KeyType.ECDSA_P256, SERVING_VALIDITY,
                CA_VALIDITY, Duration.ZERO, true, false));
        LOG.info("generated a CA and a serving certificate for {} in {}", names, dir.toAbsolutePath());
        return new CertificateFiles(cert, key);
    }
}
