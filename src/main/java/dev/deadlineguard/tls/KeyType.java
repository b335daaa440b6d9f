package dev.deadlineguard.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;

/** The key algorithms offered for the CA and the serving certificate. */
public enum KeyType {
    ECDSA_P256("ecdsa-p256", "SHA256withECDSA"),
    RSA_2048("rsa-2048", "SHA256withRSA"),
    RSA_3072("rsa-3072", "SHA256withRSA");

    private final String flag;
    private final String signatureAlgorithm;

    KeyType(String flag, String signatureAlgorithm) {
        this.flag = flag;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String flag() {
        return flag;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate() throws GeneralSecurityException {
        if (this == ECDSA_P256) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(this == RSA_2048 ? 2048 : 3072);
        return generator.generateKeyPair();
    }

    /** The signature algorithm a key of this algorithm ("EC" or "RSA") signs with. */
    public static String signatureAlgorithmFor(String keyAlgorithm) {
        return "EC".equals(keyAlgorithm) ? ECDSA_P256.signatureAlgorithm : RSA_2048.signatureAlgorithm;
    }

    public static KeyType fromFlag(String flag) {
        String wanted = flag.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.flag.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown key type '" + flag
                        + "'; expected one of ecdsa-p256, rsa-2048, rsa-3072"));
    }

    @Override
    public String toString() {
        return flag;
    }
}
