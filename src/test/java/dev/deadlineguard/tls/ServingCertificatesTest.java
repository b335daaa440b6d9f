package dev.deadlineguard.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServingCertificatesTest {

    @TempDir
    Path dir;

    private static List<String> sans(Path cert) throws Exception {
        return CertificateInfo.subjectAltNames(PemFiles.readCertificates(cert).get(0));
    }

    @Test
    void generatesOnceMarksTheDirectoryAsTheTryOutAndReusesIt() throws Exception {
        CertificateFiles first = ServingCertificates.ensure(dir, List.of(), Clock.systemUTC());
        byte[] cert = Files.readAllBytes(first.certificate());

        assertThat(sans(first.certificate())).containsExactly("localhost", "127.0.0.1", "::1");
        assertThat(Files.readAllLines(dir.resolve(CertificatePurpose.FILE))).last().isEqualTo("serve");
        assertThat(CertificatePurpose.of(dir)).contains(CertificatePurpose.LOCAL_TRY_OUT);
        CertificateFiles second = ServingCertificates.ensure(dir, List.of("localhost"), Clock.systemUTC());
        assertThat(Files.readAllBytes(second.certificate())).isEqualTo(cert);
    }

    @Test
    void certSanOnTheGeneratedTryOutCertificateReissuesItWithTheSameCa() throws Exception {
        ServingCertificates.ensure(dir, List.of("a.example"), Clock.systemUTC());
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));

        CertificateFiles files = ServingCertificates.ensure(dir, List.of("b.example"), Clock.systemUTC());

        assertThat(sans(files.certificate())).containsExactly("localhost", "127.0.0.1", "::1", "a.example", "b.example");
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
        PemFiles.readCertificates(files.certificate()).get(0).verify(PemFiles.readCertificates(dir.resolve("ca.crt")).get(0).getPublicKey());
    }

    @Test
    void certSanOnTheClustersCertificateIsRefusedAndSaysWhy() throws Exception {
        CertificateRequest cluster = new CertificateRequest(List.of("guard.ops.svc"), KeyType.ECDSA_P256, Duration.ofDays(30),
                Duration.ofDays(60), Duration.ZERO, false, false);
        new CertificateDirectory(dir, Clock.systemUTC()).ensure(cluster);
        CertificatePurpose.CLUSTER.record(dir);
        byte[] cert = Files.readAllBytes(dir.resolve("tls.crt"));

        assertThatThrownBy(() -> ServingCertificates.ensure(dir, List.of("localhost"), Clock.systemUTC()))
                .isInstanceOf(CertificatePurpose.Conflict.class)
                .hasMessage("--cert-san localhost: " + dir.resolve("tls.crt") + " lacks this name but is not a certificate that "
                        + "serve generated for local use (it is the webhook Service's certificates that 'certs' generated), so "
                        + "serve will not reissue it; reissue it where it was made (for example 'deadline-guard certs "
                        + "--extra-san ...') or drop --cert-san");
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isEqualTo(cert);
        // Without --cert-san the cluster's certificate is served as it is.
        assertThat(ServingCertificates.ensure(dir, List.of(), Clock.systemUTC()).certificate()).isEqualTo(dir.resolve("tls.crt"));
    }

    @Test
    void aClusterCaWithoutAServingCertificateIsNotTurnedIntoALocalOne() throws Exception {
        new CertificateDirectory(dir, Clock.systemUTC()).ensure(new CertificateRequest(List.of("guard.ops.svc"), KeyType.ECDSA_P256,
                Duration.ofDays(30), Duration.ofDays(60), Duration.ZERO, false, false));
        CertificatePurpose.CLUSTER.record(dir);
        Files.delete(dir.resolve("tls.crt"));

        assertThatThrownBy(() -> ServingCertificates.ensure(dir, List.of(), Clock.systemUTC()))
                .isInstanceOf(CertificatePurpose.Conflict.class)
                .hasMessage(dir + " holds the webhook Service's certificates that 'certs' generated but no tls.crt and tls.key; "
                        + "serve will not make a localhost certificate from that CA: run certs again, or give serve another --cert-dir");
        assertThat(dir.resolve("tls.crt")).doesNotExist();
    }

    @Test
    void aTryOutDirectoryFromBeforeTheMarkerIsRecognisedByItsSubject() throws Exception {
        ServingCertificates.ensure(dir, List.of(), Clock.systemUTC());
        Files.delete(dir.resolve(CertificatePurpose.FILE));
        assertThat(CertificatePurpose.of(dir)).contains(CertificatePurpose.LOCAL_TRY_OUT);
    }
}
