package dev.deadlineguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CertsCommandTest {

    @TempDir
    Path dir;

    @Test
    void issuesThenKeepsAndSummarizes() {
        String out = dir.resolve("certs").toString();
        ReviewCommandTest.Run first = ReviewCommandTest.run("certs", "--service", "deadline-guard", "--namespace", "ops", "--out", out);
        ReviewCommandTest.Run second = ReviewCommandTest.run("certs", "--service", "deadline-guard", "--namespace", "ops", "--out", out);

        assertThat(first.exitCode()).isZero();
        String sha = "sha256=([0-9A-F]{2}:){31}[0-9A-F]{2}";
        String[] lines = first.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("issued " + out + "/ca.crt: subject=CN=deadline-guard CA not-after=\\S+Z " + sha);
        assertThat(lines[1]).matches("issued " + out + "/tls.crt: subject=CN=deadline-guard.ops.svc "
                + "sans=deadline-guard.ops.svc,deadline-guard,deadline-guard.ops,deadline-guard.ops.svc.cluster.local not-after=\\S+Z " + sha);
        assertThat(first.err()).isEqualTo("note: no CA in " + out + "\nnote: serving certificate reissued for the new CA\n");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEqualTo(first.out().replace("issued ", "kept   "));
        assertThat(second.err()).isEmpty();
    }

    @Test
    void rejectsBadArgumentsAndUnusableCas() throws Exception {
        ReviewCommandTest.Run badName = ReviewCommandTest.run("certs", "--service", "Deadline_Guard", "--namespace", "ops");
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).isEqualTo("error: --service 'Deadline_Guard' is not a valid DNS label (lower case letters, digits "
                + "and '-', at most 63)\nsee 'deadline-guard certs --help'\n");

        ReviewCommandTest.Run badType = ReviewCommandTest.run("certs", "--service", "s", "--namespace", "n", "--key-type", "dsa");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.err()).isEqualTo("error: invalid value 'dsa' for --key-type: expected one of ecdsa-p256, rsa-2048, rsa-3072\n"
                + "see 'deadline-guard certs --help'\n");

        Files.writeString(dir.resolve("ca.crt"), "x");
        ReviewCommandTest.Run brokenCa = ReviewCommandTest.run("certs", "--service", "s", "--namespace", "n", "--out", dir.toString());
        assertThat(brokenCa.exitCode()).isEqualTo(1);
        assertThat(brokenCa.err()).isEqualTo("error: found only one of " + dir.resolve("ca.crt") + " and " + dir.resolve("ca.key")
                + "; restore the other or pass --new-ca to replace the CA\n");
    }

    @Test
    void neverReplacesServesTryOutCertificatesWithoutForce() throws Exception {
        Path tryOut = dir.resolve("try-out");
        dev.deadlineguard.tls.ServingCertificates.ensure(tryOut, java.util.List.of(), java.time.Clock.systemUTC());
        byte[] cert = Files.readAllBytes(tryOut.resolve("tls.crt"));

        ReviewCommandTest.Run refused = ReviewCommandTest.run("certs", "--service", "s", "--namespace", "n", "--out", tryOut.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).isEqualTo("error: " + tryOut + " holds the local try-out certificates that 'serve' generated for "
                + "localhost; the cluster's certificates go elsewhere (the default --out is certs), or pass --force to replace them\n");
        assertThat(Files.readAllBytes(tryOut.resolve("tls.crt"))).isEqualTo(cert);

        ReviewCommandTest.Run forced = ReviewCommandTest.run("certs", "--service", "s", "--namespace", "n", "--out", tryOut.toString(),
                "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(forced.err()).isEqualTo("note: reissue forced\nnote: replaced the local try-out certificates that 'serve' "
                + "generated for localhost in " + tryOut + " (--force)\n");
        assertThat(Files.readAllLines(tryOut.resolve("generated-by"))).last().isEqualTo("certs");
    }
}
