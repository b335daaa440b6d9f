package dev.deadlineguard.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Builds in-memory key stores from PEM files, checking that the pair belongs together. */
public final class KeyStores {

    public static final char[] PASSWORD = "deadline-guard".toCharArray();
    public static final String ALIAS = "serving";

    private KeyStores() {
    }

    /** A loaded, checked serving pair. */
    public record ServingPair(KeyStore keyStore, X509Certificate leaf) {
    }

    public static ServingPair load(CertificateFiles files, Instant now) throws IOException, GeneralSecurityException {
        return load(PemSources.read(files), now);
    }

    /** Parses and checks a pair: the key must match the leaf certificate, and the leaf must not have expired. */
    public static ServingPair load(PemSources pem, Instant now) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.parseCertificates(pem.certificate(), pem.certificateSource());
        PrivateKey key = PemFiles.parsePrivateKey(pem.privateKey(), pem.privateKeySource());
        X509Certificate leaf = chain.get(0);
        if (!matches(leaf.getPublicKey(), key)) {
            throw new GeneralSecurityException("the private key in " + pem.privateKeySource()
                    + " does not match the certificate in " + pem.certificateSource());
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new GeneralSecurityException("the certificate in " + pem.certificateSource() + " expired at "
                    + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new GeneralSecurityException("the certificate in " + pem.certificateSource() + " is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(X509Certificate[]::new));
        return new ServingPair(store, leaf);
    }

    /** A key store that trusts every certificate in a PEM file (for client certificate verification). */
    public static KeyStore trustStore(java.nio.file.Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (X509Certificate ca : PemFiles.readCertificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, ca);
        }
        return store;
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    static boolean matches(PublicKey publicKey, PrivateKey privateKey) throws GeneralSecurityException {
        if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
            return false;
        }
        String algorithm = KeyType.signatureAlgorithmFor(privateKey.getAlgorithm());
        byte[] probe = "deadline-guard key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
