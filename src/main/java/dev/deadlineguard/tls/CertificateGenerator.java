package dev.deadlineguard.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Issues a self-signed CA and serving certificates signed by it (BouncyCastle, JCA keys). */
public final class CertificateGenerator {

    /** Certificates start to be valid a little in the past to absorb clock skew between machines. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CertificateGenerator(Clock clock) {
        this.clock = clock;
    }

    public IssuedCertificate createCa(String commonName, KeyType keyType, Duration validity)
            throws GeneralSecurityException {
        KeyPair keys = keyType.generate();
        X500Name subject = name(commonName);
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new IssuedCertificate(sign(builder, keys, keys.getPublic().getAlgorithm()), keys.getPrivate());
        } catch (java.io.IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("could not build the CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a serving certificate for the given DNS names and IP addresses, signed by {@code ca}. The
     * first DNS name is also the Common Name, but clients check only the SANs.
     */
    public IssuedCertificate issueServing(IssuedCertificate ca, List<String> subjectAltNames, KeyType keyType,
                                          Duration validity) throws GeneralSecurityException {
        return issue(ca, subjectAltNames, keyType, validity, KeyPurposeId.id_kp_serverAuth);
    }

    /** Issues a client certificate (for mutual TLS), named by its Common Name and first SAN. */
    public IssuedCertificate issueClient(IssuedCertificate ca, String name, KeyType keyType, Duration validity)
            throws GeneralSecurityException {
        return issue(ca, List.of(name), keyType, validity, KeyPurposeId.id_kp_clientAuth);
    }

    private IssuedCertificate issue(IssuedCertificate ca, List<String> subjectAltNames, KeyType keyType,
                                    Duration validity, KeyPurposeId purpose) throws GeneralSecurityException {
        if (subjectAltNames.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one subject alternative name");
        }
        KeyPair keys = keyType.generate();
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(subjectAltNames.get(0)), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                            | (keys.getPublic().getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(subjectAltNames))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            return new IssuedCertificate(sign(builder, new KeyPair(ca.certificate().getPublicKey(), ca.privateKey()),
                    ca.privateKey().getAlgorithm()), keys.getPrivate());
        } catch (java.io.IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("could not build the serving certificate: " + e.getMessage(), e);
        }
    }

    /** The SANs of a webhook Service: every in-cluster name, then the extras, without duplicates. */
    public static List<String> serviceNames(String service, String namespace, List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        names.add(service + "." + namespace + ".svc");
        names.add(service);
        names.add(service + "." + namespace);
        names.add(service + "." + namespace + ".svc.cluster.local");
        names.addAll(extra);
        return new ArrayList<>(names);
    }

    static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") && name.chars().filter(c -> c == '.').count() == 3 || name.contains(":");
    }

    private static GeneralNames generalNames(List<String> names) throws GeneralSecurityException {
        List<GeneralName> result = new ArrayList<>();
        for (String name : names) {
            if (isIpAddress(name)) {
                try {
                    InetAddress address = InetAddress.getByName(name);
                    result.add(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(address.getAddress())));
                } catch (UnknownHostException e) {
                    throw new GeneralSecurityException("not an IP address: " + name, e);
                }
            } else {
                result.add(new GeneralName(GeneralName.dNSName, name));
            }
        }
        return new GeneralNames(result.toArray(GeneralName[]::new));
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private BigInteger serial() {
        return new BigInteger(127, random).setBit(126);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer, String keyAlgorithm)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(keyAlgorithm))
                .build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }
}
