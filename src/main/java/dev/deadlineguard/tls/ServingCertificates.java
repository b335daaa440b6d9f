package dev.deadlineguard.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    /** Where serve generates its local try-out certificates: apart from the cluster's ({@code certs}). */
    public static final String DEFAULT_DIR = ".deadline-guard/localhost";
    /** The local names the generated certificate covers. */
    public static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);

    private ServingCertificates() {
    }

    /**
     * Returns the certificate and key in {@code dir}, generating a CA and a serving certificate there
     * first when either file is missing. A certificate that {@code serve} generated earlier is reissued
     * with the same CA when {@code extraNames} asks for names it lacks; one generated for another purpose,
     * or not generated at all, is never replaced: that is a {@link CertificatePurpose.Conflict}.
     *
     * @param extraNames further SANs for the generated certificate (for example the Service names)
     */
    public static CertificateFiles ensure(Path dir, List<String> extraNames, Clock clock) throws IOException, GeneralSecurityException {
        Path cert = dir.resolve(TLS_CERT);
        Path key = dir.resolve(TLS_KEY);
        Optional<CertificatePurpose> purpose = CertificatePurpose.of(dir);
        List<String> names = new ArrayList<>(LOCAL_NAMES);
        if (Files.exists(cert) && Files.exists(key)) {
            List<String> existing = CertificateInfo.subjectAltNames(PemFiles.readCertificates(cert).get(0));
            List<String> missing = extraNames.stream().filter(n -> !existing.contains(n)).distinct().toList();
            if (missing.isEmpty()) {
                return new CertificateFiles(cert, key);
            }
            if (purpose.orElse(null) != CertificatePurpose.LOCAL_TRY_OUT) {
                throw new CertificatePurpose.Conflict("--cert-san " + String.join(",", missing) + ": " + cert + " lacks "
                        + (missing.size() == 1 ? "this name" : "these names") + " but is not a certificate that serve generated "
                        + "for local use" + purpose.map(p -> " (it is " + p.description() + ")").orElse("")
                        + ", so serve will not reissue it; reissue it where it was made (for example 'deadline-guard certs "
                        + "--extra-san ...') or drop --cert-san");
            }
            existing.stream().filter(n -> !names.contains(n)).forEach(names::add);
            missing.stream().filter(n -> !names.contains(n)).forEach(names::add);
            new CertificateDirectory(dir, clock).ensure(new CertificateRequest(names, KeyType.ECDSA_P256, SERVING_VALIDITY,
                    CA_VALIDITY, Duration.ZERO, false, false));
            LOG.info("reissued the local try-out certificate in {} with the same CA, adding {}: it now covers {}",
                    dir.toAbsolutePath(), missing, names);
            return new CertificateFiles(cert, key);
        }
        if (purpose.orElse(null) == CertificatePurpose.CLUSTER) {
            throw new CertificatePurpose.Conflict(dir + " holds " + CertificatePurpose.CLUSTER.description() + " but no "
                    + TLS_CERT + " and " + TLS_KEY + "; serve will not make a localhost certificate from that CA: run certs again, "
                    + "or give serve another --cert-dir");
        }
        extraNames.stream().filter(n -> !names.contains(n)).forEach(names::add);
        new CertificateDirectory(dir, clock).ensure(new CertificateRequest(names, KeyType.ECDSA_P256, SERVING_VALIDITY,
                CA_VALIDITY, Duration.ZERO, true, false));
        CertificatePurpose.LOCAL_TRY_OUT.record(dir);
        LOG.info("generated a CA and a serving certificate for {} in {}", names, dir.toAbsolutePath());
        return new CertificateFiles(cert, key);
    }
}
