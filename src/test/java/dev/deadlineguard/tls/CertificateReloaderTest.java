package dev.deadlineguard.tls;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateReloaderTest {

    @TempDir
    Path dir;
    CertificateFiles files;
    IssuedCertificate ca;
    final List<KeyStores.ServingPair> applied = new ArrayList<>();
    final List<String> rejected = new ArrayList<>();
    final CertificateReloader.Listener listener = new CertificateReloader.Listener() {
        @Override
        public void loaded(KeyStores.ServingPair pair) {
        }

        @Override
        public void rejected(String reason) {
            rejected.add(reason);
        }
    };

    @BeforeEach
    void writeFirstPair() throws Exception {
        files = ServingCertificates.ensure(dir, List.of(), Clock.systemUTC());
        ca = new IssuedCertificate(PemFiles.readCertificates(dir.resolve("ca.crt")).get(0), PemFiles.readPrivateKey(dir.resolve("ca.key")));
    }

    CertificateReloader reloader() throws Exception {
        return new CertificateReloader(files, Clock.systemUTC(), Duration.ofDays(30), applied::add, listener);
    }

    IssuedCertificate issue(Clock clock, Duration validity) throws GeneralSecurityException {
        return new CertificateGenerator(clock).issueServing(ca, List.of("localhost"), KeyType.ECDSA_P256, validity);
    }

    @Test
    void appliesAChangedPairOnceAndIgnoresUnchangedFiles() throws Exception {
        try (CertificateReloader reloader = reloader()) {
            assertThat(reloader.checkNow()).isFalse();
            IssuedCertificate next = issue(Clock.systemUTC(), Duration.ofDays(10));
            PemFiles.writePrivateKey(files.privateKey(), next.privateKey());
            PemFiles.writeCertificates(files.certificate(), List.of(next.certificate()));

            assertThat(reloader.checkNow()).isTrue();
            assertThat(reloader.checkNow()).isFalse();
            assertThat(applied).hasSize(1);
            assertThat(applied.get(0).leaf()).isEqualTo(next.certificate());
            assertThat(reloader.current().leaf()).isEqualTo(next.certificate());
            assertThat(rejected).isEmpty();
        }
    }

    @Test
    void aMismatchedKeyIsRejectedOnceAndTheOldPairStays() throws Exception {
        try (CertificateReloader reloader = reloader()) {
            KeyStores.ServingPair before = reloader.current();
            PemFiles.writeCertificates(files.certificate(), List.of(issue(Clock.systemUTC(), Duration.ofDays(10)).certificate()));

            assertThat(reloader.checkNow()).isFalse();
            assertThat(reloader.checkNow()).isFalse();
            assertThat(rejected).containsExactly("the private key in " + files.privateKey()
                    + " does not match the certificate in " + files.certificate());
            assertThat(reloader.current()).isSameAs(before);
            assertThat(applied).isEmpty();
        }
    }

    @Test
    void anExpiredCertificateIsRejected() throws Exception {
        try (CertificateReloader reloader = reloader()) {
            IssuedCertificate expired = issue(Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC), Duration.ofDays(1));
            PemFiles.writePrivateKey(files.privateKey(), expired.privateKey());
            PemFiles.writeCertificates(files.certificate(), List.of(expired.certificate()));

            assertThat(reloader.checkNow()).isFalse();
            assertThat(rejected).singleElement().asString()
                    .startsWith("the certificate in " + files.certificate() + " expired at ");
            assertThat(applied).isEmpty();
        }
    }

    @Test
    void aMissingFileOrGarbagePemIsRejected() throws Exception {
        try (CertificateReloader reloader = reloader()) {
            KeyStores.ServingPair before = reloader.current();
            Files.delete(files.privateKey());
            assertThat(reloader.checkNow()).isFalse();
            Files.writeString(files.privateKey(), "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
            assertThat(reloader.checkNow()).isFalse();

            assertThat(rejected).hasSize(2);
            assertThat(rejected.get(0)).isEqualTo("cannot read the certificate files (NoSuchFileException: " + files.privateKey() + ")");
            assertThat(rejected.get(1)).startsWith(files.privateKey() + " is not valid PEM");
            assertThat(reloader.current()).isSameAs(before);
        }
    }

    @Test
    void badFilesAtStartFailFastWithAClearMessage() throws Exception {
        Path other = dir.resolve("other.key");
        PemFiles.writePrivateKey(other, KeyType.ECDSA_P256.generate().getPrivate());
        assertThatThrownBy(() -> new CertificateReloader(new CertificateFiles(files.certificate(), other), Clock.systemUTC(),
                Duration.ofDays(30), applied::add, listener))
                .hasMessage("the private key in " + other + " does not match the certificate in " + files.certificate());

        assertThatThrownBy(() -> new CertificateReloader(new CertificateFiles(dir.resolve("nope.crt"), other), Clock.systemUTC(),
                Duration.ofDays(30), applied::add, listener))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(dir.resolve("nope.crt").toString());

        Path garbage = dir.resolve("garbage.crt");
        Files.writeString(garbage, "hello", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new CertificateReloader(new CertificateFiles(garbage, files.privateKey()), Clock.systemUTC(),
                Duration.ofDays(30), applied::add, listener))
                .hasMessage(garbage + " holds no PEM certificate");

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
        assertThatThrownBy(() -> new CertificateReloader(files, later, Duration.ofDays(30), applied::add, listener))
                .hasMessageStartingWith("the certificate in " + files.certificate() + " expired at ");
    }
}
