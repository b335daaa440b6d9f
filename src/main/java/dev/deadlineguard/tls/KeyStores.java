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
        List<X509Certificate> chain = PemFiles.readCertificates(files.certificate());
        PrivateKey key = PemFiles.readPrivateKey(files.privateKey());
        X509Certificate leaf = chain.get(0);
        if (!matches(leaf.getPublicKey(), key)) {
            throw new GeneralSecurityException("the private key in " + files.privateKey()
                    + " does not match the certificate in " + files.certificate());
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new GeneralSecurityException("the certificate in " + files.certificate() + " expired at "
                    + leaf.getNotAfter().toInstant());
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(X509Certificate[]::new));
        return new ServingPair(store, leaf);
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
