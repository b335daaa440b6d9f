package dev.deadlineguard.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a directory of generated certificates is for, recorded in a small file next to them
 * ({@value #FILE}), so that one command never silently replaces what another generated: the local
 * try-out certificate of {@code serve} is for {@code localhost}, the {@code certs} command's are
 * for the webhook Service in the cluster.
 */
public enum CertificatePurpose {
    /** {@code serve}'s own CA and a serving certificate for localhost, generated when none is given. */
    LOCAL_TRY_OUT("serve", "the local try-out certificates that 'serve' generated for localhost"),
    /** The {@code certs} command's CA and serving certificate for the webhook Service. */
    CLUSTER("certs", "the webhook Service's certificates that 'certs' generated");

    public static final String FILE = "generated-by";

    private final String command;
    private final String description;

    CertificatePurpose(String command, String description) {
        this.command = command;
        this.description = description;
    }

    /** For example "the local try-out certificates that 'serve' generated for localhost". */
    public String description() {
        return description;
    }

    /**
     * What generated the certificates in {@code dir}: the recorded purpose, or for a directory from
     * before the record existed, {@link #LOCAL_TRY_OUT} when {@code tls.crt} is for {@code CN=localhost}.
     */
    public static Optional<CertificatePurpose> of(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            String recorded = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElse("");
            return Arrays.stream(values()).filter(p -> p.command.equals(recorded)).findFirst();
        }
        try {
            String subject = PemFiles.readCertificates(dir.resolve(ServingCertificates.TLS_CERT)).get(0)
                    .getSubjectX500Principal().getName();
            return "CN=localhost".equals(subject) ? Optional.of(LOCAL_TRY_OUT) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return Optional.empty();  // not ours to judge: CertificateDirectory reports an unusable file
        }
    }

    /** Records that this purpose's certificates are now in {@code dir}. */
    public void record(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), "# What generated the certificates here; deadline-guard checks it before "
                + "replacing them.\n" + command + "\n", StandardCharsets.UTF_8);
    }

    /** A directory holds certificates generated for another purpose (or not generated at all). */
    public static final class Conflict extends IOException {
        public Conflict(String message) {
            super(message);
        }
    }
}
