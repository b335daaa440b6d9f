package dev.deadlineguard.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** The PEM text of a certificate and its key as read at one moment, with where it came from. */
public record PemSources(String certificate, String certificateSource, String privateKey, String privateKeySource) {

    /** Largest PEM file read; a certificate chain and key are a few KiB. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    public static PemSources read(CertificateFiles files) throws IOException {
        return new PemSources(readSmall(files.certificate()), files.certificate().toString(),
                readSmall(files.privateKey()), files.privateKey().toString());
    }

    private static String readSmall(java.nio.file.Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes; not a PEM certificate or key");
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    /** A digest of both files' content, to notice any change. */
    public byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(certificate.getBytes(StandardCharsets.ISO_8859_1));
            sha.update((byte) 0);
            sha.update(privateKey.getBytes(StandardCharsets.ISO_8859_1));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean sameContent(byte[] digest) {
        return digest != null && Arrays.equals(digest(), digest);
    }
}
