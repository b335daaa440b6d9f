package dev.deadlineguard.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateDirectoryTest {

    static final List<String> SANS = CertificateGenerator.serviceNames("deadline-guard", "ops", List.of("10.0.0.7"));

    @TempDir
    Path dir;

    static CertificateRequest request(KeyType type, boolean force, boolean newCa) {
        return new CertificateRequest(SANS, type, Duration.ofDays(365), Duration.ofDays(3650), Duration.ofDays(30), force, newCa);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslVerifiesTheChainAndShowsEverySan(KeyType type) throws Exception {
        CertificateDirectory.Outcome outcome = new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(type, false, false));

        assertThat(outcome.ca()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(outcome.serving()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(openssl("verify", "-CAfile", dir.resolve("ca.crt").toString(), dir.resolve("tls.crt").toString()))
                .isEqualTo(dir.resolve("tls.crt") + ": OK\n");
        String text = openssl("x509", "-in", dir.resolve("tls.crt").toString(), "-noout", "-ext",
                "subjectAltName,extendedKeyUsage,basicConstraints");
        assertThat(text).contains("DNS:deadline-guard.ops.svc, DNS:deadline-guard, DNS:deadline-guard.ops, "
                        + "DNS:deadline-guard.ops.svc.cluster.local, IP Address:10.0.0.7")
                .contains("TLS Web Server Authentication")
                .contains("CA:FALSE");
        assertThat(openssl("x509", "-in", dir.resolve("ca.crt").toString(), "-noout", "-ext", "basicConstraints"))
                .contains("CA:TRUE");
        String keyText = openssl(type == KeyType.ECDSA_P256 ? "ec" : "rsa", "-in", dir.resolve("tls.key").toString(), "-noout", "-text");
        assertThat(keyText).contains(switch (type) {
            case ECDSA_P256 -> "NIST CURVE: P-256";
            case RSA_2048 -> "Private-Key: (2048 bit";
            case RSA_3072 -> "Private-Key: (3072 bit";
        });
        for (String key : List.of("tls.key", "ca.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
        }
        assertThat(outcome.servingInfo().subjectAltNames()).containsExactlyElementsOf(SANS);
    }

    @Test
    void runningAgainKeepsGoodFilesAndForceReissuesWithTheSameCa() throws Exception {
        CertificateDirectory directory = new CertificateDirectory(dir, Clock.systemUTC());
        directory.ensure(request(KeyType.ECDSA_P256, false, false));
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        byte[] tls = Files.readAllBytes(dir.resolve("tls.crt"));

        CertificateDirectory.Outcome again = directory.ensure(request(KeyType.ECDSA_P256, false, false));
        assertThat(again.ca()).isEqualTo(CertificateDirectory.Action.KEPT);
        assertThat(again.serving()).isEqualTo(CertificateDirectory.Action.KEPT);
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isEqualTo(tls);

        CertificateDirectory.Outcome forced = directory.ensure(request(KeyType.ECDSA_P256, true, false));
        assertThat(forced.ca()).isEqualTo(CertificateDirectory.Action.KEPT);
        assertThat(forced.serving()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(forced.reasons()).containsExactly("reissue forced");
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isNotEqualTo(tls);

        CertificateDirectory.Outcome newCa = directory.ensure(request(KeyType.ECDSA_P256, false, true));
        assertThat(newCa.ca()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(ca);
    }

    @Test
    void reissuesWhenASanIsMissingOrExpiryIsNear() throws Exception {
        new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(KeyType.ECDSA_P256, false, false));

        CertificateRequest more = new CertificateRequest(List.of("deadline-guard.ops.svc", "extra.example.com"),
                KeyType.ECDSA_P256, Duration.ofDays(365), Duration.ofDays(3650), Duration.ofDays(30), false, false);
        CertificateDirectory.Outcome outcome = new CertificateDirectory(dir, Clock.systemUTC()).ensure(more);
        assertThat(outcome.serving()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(outcome.reasons()).containsExactly("tls.crt lacks SANs [extra.example.com]");

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(340)), ZoneOffset.UTC);
        CertificateDirectory.Outcome renewed = new CertificateDirectory(dir, later).ensure(request(KeyType.ECDSA_P256, false, false));
        assertThat(renewed.serving()).isEqualTo(CertificateDirectory.Action.ISSUED);
        assertThat(renewed.reasons().get(0)).matches("tls.crt expires at .*, within the renewal window");
    }

    @Test
    void anUnusableCaIsAnErrorNotSilentlyReplaced() throws Exception {
        Files.writeString(dir.resolve("ca.crt"), "garbage", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(KeyType.ECDSA_P256, false, false)))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessage("found only one of " + dir.resolve("ca.crt") + " and " + dir.resolve("ca.key")
                        + "; restore the other or pass --new-ca to replace the CA");

        Files.writeString(dir.resolve("ca.key"), "garbage", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(KeyType.ECDSA_P256, false, false)))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessage(dir.resolve("ca.crt") + " holds no PEM certificate");
        assertThat(new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(KeyType.ECDSA_P256, false, true)).ca())
                .isEqualTo(CertificateDirectory.Action.ISSUED);
    }

    @Test
    void anExpiredCaIsAnError() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(20)), ZoneOffset.UTC);
        new CertificateDirectory(dir, past).ensure(new CertificateRequest(SANS, KeyType.ECDSA_P256, Duration.ofDays(5),
                Duration.ofDays(10), Duration.ZERO, false, false));
        assertThatThrownBy(() -> new CertificateDirectory(dir, Clock.systemUTC()).ensure(request(KeyType.ECDSA_P256, false, false)))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageMatching(java.util.regex.Pattern.quote(dir.resolve("ca.crt").toString())
                        + " expired at .*; pass --new-ca to replace the CA \\(and update every caBundle\\)");
    }

    static String openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
