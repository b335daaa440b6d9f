package dev.deadlineguard.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/** What a person or a script needs to know about a certificate. */
public record CertificateInfo(String subject, List<String> subjectAltNames, Instant notBefore, Instant notAfter,
                              String sha256, boolean ca) {

    public static CertificateInfo of(X509Certificate certificate) throws GeneralSecurityException {
        return new CertificateInfo(
                certificate.getSubjectX500Principal().getName(),
                subjectAltNames(certificate),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                fingerprint(certificate),
                certificate.getBasicConstraints() >= 0);
    }

    /** DNS names and IP addresses, in certificate order. */
    public static List<String> subjectAltNames(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        List<String> result = new ArrayList<>();
        if (names != null) {
            for (List<?> entry : names) {
                int type = (Integer) entry.get(0);
                if (type == 2 || type == 7) {  // dNSName, iPAddress
                    result.add(normalizeIp(String.valueOf(entry.get(1))));
                }
            }
        }
        return result;
    }

    public static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** Java prints IPv6 SANs in full form ({@code 0:0:0:0:0:0:0:1}); show {@code ::1} as written. */
    private static String normalizeIp(String name) {
        return "0:0:0:0:0:0:0:1".equals(name) ? "::1" : name;
    }

    public String summary(String file) {
        return file + ": subject=" + subject + (subjectAltNames.isEmpty() ? "" : " sans=" + String.join(",", subjectAltNames))
                + " not-after=" + notAfter + " sha256=" + sha256;
    }
}
