package dev.deadlineguard.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory that holds a CA ({@code ca.crt}, {@code ca.key}) and a serving certificate
 * ({@code tls.crt}, {@code tls.key}) in the layout {@code kubectl create secret tls} and a webhook
 * {@code caBundle} expect. {@link #ensure} is safe to run again and again: it keeps what is still good.
 */
public final class CertificateDirectory {

    /** What {@link #ensure} did with each pair. */
    public enum Action { KEPT, ISSUED }

    public record Outcome(Action ca, Action serving, CertificateInfo caInfo, CertificateInfo servingInfo, List<String> reasons) {
    }

    private final Path dir;
    private final Clock clock;

    public CertificateDirectory(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public Path caCert() {
        return dir.resolve(ServingCertificates.CA_CERT);
    }

    public Path caKey() {
        return dir.resolve(ServingCertificates.CA_KEY);
    }

    public Path tlsCert() {
        return dir.resolve(ServingCertificates.TLS_CERT);
    }

    public Path tlsKey() {
        return dir.resolve(ServingCertificates.TLS_KEY);
    }

    public Outcome ensure(CertificateRequest request) throws IOException, GeneralSecurityException {
        Instant now = clock.instant();
        List<String> reasons = new ArrayList<>();
        CertificateGenerator generator = new CertificateGenerator(clock);

        IssuedCertificate ca = request.newCa() ? null : loadCa(now);
        Action caAction = Action.KEPT;
        if (ca == null) {
            ca = generator.createCa("deadline-guard CA", request.keyType(), request.caValidity());
            caAction = Action.ISSUED;
            reasons.add(request.newCa() ? "new CA requested" : "no CA in " + dir);
        }

        Action servingAction = Action.KEPT;
        X509Certificate serving = null;
        if (caAction == Action.ISSUED) {
            reasons.add("serving certificate reissued for the new CA");
        } else if (request.force()) {
            reasons.add("reissue forced");
        } else {
            String problem = servingProblem(ca.certificate(), request, now);
            if (problem == null) {
                serving = PemFiles.readCertificates(tlsCert()).get(0);
            } else {
                reasons.add(problem);
            }
        }
        if (serving == null) {
            IssuedCertificate issued = generator.issueServing(ca, request.subjectAltNames(), request.keyType(), request.validity());
            serving = issued.certificate();
            servingAction = Action.ISSUED;
            if (caAction == Action.ISSUED) {
                PemFiles.writePrivateKey(caKey(), ca.privateKey());
                PemFiles.writeCertificates(caCert(), List.of(ca.certificate()));
            }
            // Key first: a reader that sees the new certificate also finds its key.
            PemFiles.writePrivateKey(tlsKey(), issued.privateKey());
            PemFiles.writeCertificates(tlsCert(), List.of(serving));
        }
        return new Outcome(caAction, servingAction, CertificateInfo.of(ca.certificate()), CertificateInfo.of(serving), reasons);
    }

    /** The CA in the directory, {@code null} when there is none; an unusable one is an error, never silently replaced. */
    private IssuedCertificate loadCa(Instant now) throws IOException, GeneralSecurityException {
        boolean hasCert = Files.exists(caCert());
        boolean hasKey = Files.exists(caKey());
        if (!hasCert && !hasKey) {
            return null;
        }
        if (!hasCert || !hasKey) {
            throw new GeneralSecurityException("found only one of " + caCert() + " and " + caKey()
                    + "; restore the other or pass --new-ca to replace the CA");
        }
        X509Certificate certificate = PemFiles.readCertificates(caCert()).get(0);
        PrivateKey key = PemFiles.readPrivateKey(caKey());
        if (!KeyStores.matches(certificate.getPublicKey(), key)) {
            throw new GeneralSecurityException(caKey() + " does not match " + caCert() + "; pass --new-ca to replace the CA");
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new GeneralSecurityException(caCert() + " is not a CA certificate; pass --new-ca to replace it");
        }
        if (!now.isBefore(certificate.getNotAfter().toInstant())) {
            throw new GeneralSecurityException(caCert() + " expired at " + certificate.getNotAfter().toInstant()
                    + "; pass --new-ca to replace the CA (and update every caBundle)");
        }
        return new IssuedCertificate(certificate, key);
    }

    /** Why the existing serving certificate must be reissued, or {@code null} when it is fine. */
    private String servingProblem(X509Certificate ca, CertificateRequest request, Instant now) throws IOException {
        try {
            X509Certificate certificate = PemFiles.readCertificates(tlsCert()).get(0);
            PrivateKey key = PemFiles.readPrivateKey(tlsKey());
            if (!KeyStores.matches(certificate.getPublicKey(), key)) {
                return "tls.key does not match tls.crt";
            }
            try {
                certificate.verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                return "tls.crt is not signed by ca.crt";
            }
            if (certificate.getNotAfter().toInstant().isBefore(now.plus(request.renewBefore()))) {
                return "tls.crt expires at " + certificate.getNotAfter().toInstant() + ", within the renewal window";
            }
            List<String> sans = CertificateInfo.subjectAltNames(certificate);
            List<String> missing = request.subjectAltNames().stream().filter(n -> !sans.contains(n)).toList();
            if (!missing.isEmpty()) {
                return "tls.crt lacks SANs " + missing;
            }
            return null;
        } catch (NoSuchFileException e) {
            return "no serving certificate in " + dir;
        } catch (GeneralSecurityException e) {
            return "existing serving certificate is unusable: " + e.getMessage();
        }
    }
}
