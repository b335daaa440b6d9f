package dev.deadlineguard.tls;

import java.nio.file.Path;

/** The PEM certificate (chain) and private key the server serves. */
public record CertificateFiles(Path certificate, Path privateKey) {
}
