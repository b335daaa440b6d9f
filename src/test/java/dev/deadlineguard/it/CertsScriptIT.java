package dev.deadlineguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives certs-script/deadline-guard-certs the way a cluster admin would: with the built jar, openssl, and a
 * fake {@code kubectl} (a bash stub that records its calls) instead of a cluster.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CertsScriptIT {

    static final Path SCRIPT = Path.of("certs-script/deadline-guard-certs").toAbsolutePath();
    static final Path JAR = Path.of("target/deadline-guard.jar");
    static final List<String> SERVICE_NAMES = List.of("deadline-guard", "deadline-guard.deadline-guard",
            "deadline-guard.deadline-guard.svc", "deadline-guard.deadline-guard.svc.cluster.local");
    static final String GET_WEBHOOKS = "-o jsonpath={range .webhooks[*]}{.name}{\"\\n\"}{end}";

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    // ------------------------------------------------------------------------------------------
    // generate

    @Test
    void generateWritesAVerifiableCertificateForEveryServiceNameAndKeepsItOnTheNextRun() throws Exception {
        assertThat(JAR).exists();
        Path dir = tmp.resolve("certs");
        Result first = script("generate", "--dir", dir.toString());
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.err()).startsWith("==> generating certificates in " + dir
                + " for service deadline-guard in namespace deadline-guard\n");
        assertThat(first.out()).contains("issued " + dir.resolve("ca.crt") + ": subject=CN=deadline-guard CA")
                .contains("issued " + dir.resolve("tls.crt") + ": subject=");

        for (String file : List.of("ca.crt", "ca.key", "tls.crt", "tls.key")) {
            assertThat(dir.resolve(file)).isRegularFile();
        }
        for (String key : List.of("ca.key", "tls.key")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(key))).as(key)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }

        Result verify = run(List.of("openssl", "verify", "-CAfile", dir.resolve("ca.crt").toString(),
                dir.resolve("tls.crt").toString()), Map.of());
        assertThat(verify.exit()).as(verify.all()).isZero();
        assertThat(verify.out()).isEqualTo(dir.resolve("tls.crt") + ": OK\n");
        assertThat(opensslSans(dir.resolve("tls.crt"))).containsExactlyInAnyOrderElementsOf(
                SERVICE_NAMES.stream().map(n -> "DNS:" + n).toList());

        Map<String, byte[]> before = contents(dir);
        Result second = script("generate", "--dir", dir.toString());
        assertThat(second.exit()).as(second.all()).isZero();
        assertThat(second.out()).contains("kept   " + dir.resolve("ca.crt") + ":").contains("kept   " + dir.resolve("tls.crt") + ":");
        Map<String, byte[]> after = contents(dir);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
        for (String file : before.keySet()) {
            assertThat(after.get(file)).as(file).isEqualTo(before.get(file));
        }
    }

    @Test
    void generatePassesServiceNamespaceKeyTypeAndExtraSansToTheJar() throws Exception {
        Path dir = tmp.resolve("certs");
        Result r = script("generate", "--dir", dir.toString(), "--service", "guard", "--namespace", "ops",
                "--key-type", "rsa-2048", "--days", "90", "--extra-san", "guard.example.dev");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(opensslSans(dir.resolve("tls.crt"))).containsExactlyInAnyOrder("DNS:guard", "DNS:guard.ops",
                "DNS:guard.ops.svc", "DNS:guard.ops.svc.cluster.local", "DNS:guard.example.dev");
        Result text = run(List.of("openssl", "x509", "-noout", "-text", "-in", dir.resolve("tls.crt").toString()), Map.of());
        assertThat(text.out()).contains("Public-Key: (2048 bit)").contains("rsaEncryption");

        Result check = script("check", "--dir", dir.toString(), "--service", "guard", "--namespace", "ops");
        assertThat(check.exit()).as(check.all()).isZero();
        assertThat(days(check.out(), dir.resolve("tls.crt").toString())).isBetween(88, 90);
    }

    // ------------------------------------------------------------------------------------------
    // check

    @Test
    void checkReportsSubjectSansAndDaysLeftAndPassesForAFreshCertificate() throws Exception {
        Path dir = generated("certs");
        Result r = script("check", "--dir", dir.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        String tls = dir.resolve("tls.crt").toString();
        String ca = dir.resolve("ca.crt").toString();
        assertThat(r.out()).contains(ca + "\n  subject:   CN=deadline-guard CA\n  issuer:    CN=deadline-guard CA\n  SANs:      (none)\n");
        assertThat(r.out()).contains(tls + "\n  subject:   CN=deadline-guard.deadline-guard.svc\n");
        assertThat(sansLine(r.out(), tls)).containsExactlyInAnyOrderElementsOf(SERVICE_NAMES.stream().map(n -> "DNS:" + n).toList());
        assertThat(days(r.out(), tls)).isBetween(363, 365);
        assertThat(days(r.out(), ca)).isBetween(3648, 3650);
        assertThat(r.out()).contains("ok:   " + tls + " has the SANs deadline-guard, deadline-guard.deadline-guard, "
                        + "deadline-guard.deadline-guard.svc, deadline-guard.deadline-guard.svc.cluster.local\n")
                .contains("ok:   " + tls + " verifies against " + ca + "\n")
                .contains("ok:   " + dir.resolve("tls.key") + " matches " + tls + "\n")
                .doesNotContain("FAIL");
        assertThat(r.err()).isEqualTo("==> checking the certificates in " + dir + " (threshold 30 days)\n==> check passed\n");
    }

    @Test
    void checkFailsWhenACertificateExpiresWithinTheThreshold() throws Exception {
        Path dir = generated("certs");
        String tls = dir.resolve("tls.crt").toString();
        Result r = script("check", "--dir", dir.toString(), "--threshold-days", "400");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        int left = days(r.out(), tls);
        assertThat(r.out()).contains("FAIL: " + tls + ": expires in " + left + " days, within the threshold of 400 days\n")
                .doesNotContain("FAIL: " + dir.resolve("ca.crt"));
        assertThat(r.err()).endsWith("==> check failed: 1 problem(s)\n");

        Result both = script("check", "--dir", dir.toString(), "--threshold-days=4000");
        assertThat(both.exit()).as(both.all()).isEqualTo(1);
        assertThat(both.out()).contains("FAIL: " + dir.resolve("ca.crt") + ": expires in ")
                .contains("FAIL: " + tls + ": expires in ");
        assertThat(both.err()).endsWith("==> check failed: 2 problem(s)\n");
    }

    @Test
    void checkFailsWhenTheServingCertificateLacksAnExpectedSan() throws Exception {
        Path dir = generated("certs");
        String tls = dir.resolve("tls.crt").toString();
        Result missing = script("check", "--dir", dir.toString(), "--expect-san", "missing.example");
        assertThat(missing.exit()).as(missing.all()).isEqualTo(1);
        assertThat(missing.out()).contains("FAIL: " + tls + " lacks the SANs missing.example\n");
        assertThat(missing.err()).endsWith("==> check failed: 1 problem(s)\n");

        Result present = script("check", "--dir", dir.toString(), "--expect-san", "deadline-guard.deadline-guard.svc");
        assertThat(present.exit()).as(present.all()).isZero();
        assertThat(present.out()).contains("ok:   " + tls + " has the SANs deadline-guard.deadline-guard.svc\n");

        // The default expectation follows --service and --namespace.
        Result otherService = script("check", "--dir", dir.toString(), "--service", "other");
        assertThat(otherService.exit()).as(otherService.all()).isEqualTo(1);
        assertThat(otherService.out()).contains("FAIL: " + tls + " lacks the SANs other, other.deadline-guard, "
                + "other.deadline-guard.svc, other.deadline-guard.svc.cluster.local\n");
    }

    @Test
    void checkFailsWhenTheServingCertificateComesFromAnotherCa() throws Exception {
        Path dir = generated("certs");
        Path other = generated("other");
        Files.copy(other.resolve("tls.crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve("tls.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        String tls = dir.resolve("tls.crt").toString();

        Result r = script("check", "--dir", dir.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL: " + tls + " does not verify against " + dir.resolve("ca.crt")
                        + ": error 20 at 0 depth lookup: unable to get local issuer certificate\n")
                .contains("ok:   " + dir.resolve("tls.key") + " matches " + tls + "\n");
        assertThat(r.err()).endsWith("==> check failed: 1 problem(s)\n");
    }

    @Test
    void checkFailsWhenTheKeyDoesNotMatchOrAFileIsMissing() throws Exception {
        Path dir = generated("certs");
        Path other = generated("other");
        Files.copy(other.resolve("tls.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        Result mismatch = script("check", "--dir", dir.toString());
        assertThat(mismatch.exit()).as(mismatch.all()).isEqualTo(1);
        assertThat(mismatch.out()).contains("FAIL: " + dir.resolve("tls.key") + " does not match " + dir.resolve("tls.crt") + "\n");

        Files.delete(other.resolve("tls.crt"));
        Result missing = script("check", "--dir", other.toString());
        assertThat(missing.exit()).as(missing.all()).isEqualTo(1);
        assertThat(missing.out()).contains("FAIL: " + other.resolve("tls.crt") + ": missing or empty\n");
    }

    // ------------------------------------------------------------------------------------------
    // apply

    @Test
    void applyDryRunPrintsTheSecretAndACaBundlePatchForBothConfigurationsWithoutKubectl() throws Exception {
        Path dir = generated("certs");
        Result r = script(Map.of("PATH", pathWithout("kubectl")), "apply", "--dir", dir.toString(), "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err()).contains("==> dry run: ").doesNotContain("error");

        List<String> lines = r.out().lines().toList();
        assertThat(lines).startsWith("# Secret deadline-guard/deadline-guard-tls (kubectl apply --server-side -f -)", "apiVersion: v1", "kind: Secret",
                "metadata:", "  name: deadline-guard-tls", "  namespace: deadline-guard", "type: kubernetes.io/tls", "data:");
        for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
            assertThat(decodedData(lines, file)).as(file).isEqualTo(Files.readAllBytes(dir.resolve(file)));
        }
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
        for (String kind : List.of("mutatingwebhookconfiguration", "validatingwebhookconfiguration")) {
            JsonNode patch = dryRunPatch(lines, kind + "/deadline-guard");
            assertThat(patch.size()).isEqualTo(1);
            assertThat(patch.at("/0/op").asText()).isEqualTo("add");
            assertThat(patch.at("/0/path").asText()).isEqualTo("/webhooks/0/clientConfig/caBundle");
            assertThat(Base64.getDecoder().decode(patch.at("/0/value").asText())).isEqualTo(ca);
        }
    }

    @Test
    void applyDryRunUsesTheGivenNames() throws Exception {
        Path dir = generated("certs");
        Result r = script("apply", "--dir", dir.toString(), "--dry-run", "--namespace", "ops", "--secret", "guard-tls",
                "--mutating", "guard-m", "--validating=guard-v");
        assertThat(r.exit()).as(r.all()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("# Secret ops/guard-tls (kubectl apply --server-side -f -)", "  name: guard-tls", "  namespace: ops");
        assertThat(dryRunPatch(lines, "mutatingwebhookconfiguration/guard-m").size()).isEqualTo(1);
        assertThat(dryRunPatch(lines, "validatingwebhookconfiguration/guard-v").size()).isEqualTo(1);
    }

    @Test
    void applyPatchesEveryWebhookOfBothConfigurationsAndAppliesTheSecretAgainstAFakeKubectl() throws Exception {
        Path dir = generated("certs");
        Path log = tmp.resolve("kubectl.log");
        Map<String, String> env = Map.of("PATH", fakeKubectl(log) + File.pathSeparator + System.getenv("PATH"));

        Result r = script(env, "apply", "--dir", dir.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        String bundle = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
        String secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: deadline-guard-tls\n  namespace: deadline-guard\n"
                + "type: kubernetes.io/tls\ndata:\n"
                + "  tls.crt: " + b64(dir.resolve("tls.crt")) + "\n"
                + "  tls.key: " + b64(dir.resolve("tls.key")) + "\n"
                + "  ca.crt: " + b64(dir.resolve("ca.crt")) + "\n";
        String expected = "kubectl get mutatingwebhookconfiguration deadline-guard " + GET_WEBHOOKS + "\n"
                + "kubectl patch mutatingwebhookconfiguration deadline-guard --type=json -p " + twoWebhookPatch(bundle) + "\n"
                + "kubectl get validatingwebhookconfiguration deadline-guard " + GET_WEBHOOKS + "\n"
                + "kubectl patch validatingwebhookconfiguration deadline-guard --type=json -p " + twoWebhookPatch(bundle) + "\n"
                + "kubectl apply --server-side --field-manager=deadline-guard-certs --force-conflicts -f -\n"
                + "<<<\n" + secret + ">>>\n";
        assertThat(Files.readString(log)).isEqualTo(expected);
        assertThat(r.err()).isEqualTo("==> writing the CA bundle into every webhook of mutatingwebhookconfiguration/deadline-guard\n"
                + "==> writing the CA bundle into every webhook of validatingwebhookconfiguration/deadline-guard\n"
                + "==> creating or updating secret deadline-guard/deadline-guard-tls\n"
                + "==> done: the webhook reloads the new certificate once the kubelet has updated the Secret volume\n");

        // Safe to re-run: the same calls again.
        Result again = script(env, "apply", "--dir", dir.toString());
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(Files.readString(log)).isEqualTo(expected + expected);
    }

    @Test
    void rotateGeneratesThenAppliesWithTheGivenNames() throws Exception {
        Path dir = tmp.resolve("certs");
        Path log = tmp.resolve("kubectl.log");
        Map<String, String> env = Map.of("PATH", fakeKubectl(log) + File.pathSeparator + System.getenv("PATH"));

        Result r = script(env, "rotate", "--dir", dir.toString(), "--service", "guard", "--namespace", "ops",
                "--secret", "guard-tls", "--mutating", "guard-m", "--validating", "guard-v");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err()).startsWith("==> generating certificates in " + dir + " for service guard in namespace ops\n");
        assertThat(opensslSans(dir.resolve("tls.crt"))).contains("DNS:guard.ops.svc");
        String bundle = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
        List<String> calls = Files.readString(log).lines().filter(l -> l.startsWith("kubectl ")).toList();
        assertThat(calls).containsExactly(
                "kubectl get mutatingwebhookconfiguration guard-m " + GET_WEBHOOKS,
                "kubectl patch mutatingwebhookconfiguration guard-m --type=json -p " + twoWebhookPatch(bundle),
                "kubectl get validatingwebhookconfiguration guard-v " + GET_WEBHOOKS,
                "kubectl patch validatingwebhookconfiguration guard-v --type=json -p " + twoWebhookPatch(bundle),
                "kubectl apply --server-side --field-manager=deadline-guard-certs --force-conflicts -f -");
        assertThat(Files.readString(log)).contains("  name: guard-tls\n  namespace: ops\n");
    }

    @Test
    void applyWithExtraCaPutsBothCasIntoTheBundle() throws Exception {
        Path dir = generated("certs");
        Path previous = generated("previous").resolve("ca.crt");
        Path log = tmp.resolve("kubectl.log");
        Map<String, String> env = Map.of("PATH", fakeKubectl(log) + File.pathSeparator + System.getenv("PATH"));
        Result r = script(env, "apply", "--dir", dir.toString(), "--extra-ca", previous.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        String bundle = Base64.getEncoder().encodeToString(
                (Files.readString(dir.resolve("ca.crt")) + Files.readString(previous)).getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(log).lines().filter(l -> l.startsWith("kubectl patch ")).toList()).containsExactly(
                "kubectl patch mutatingwebhookconfiguration deadline-guard --type=json -p " + twoWebhookPatch(bundle),
                "kubectl patch validatingwebhookconfiguration deadline-guard --type=json -p " + twoWebhookPatch(bundle));
    }

    @Test
    void applyRefusesAPairThatDoesNotVerifyBeforeCallingKubectl() throws Exception {
        Path dir = generated("certs");
        Files.copy(generated("other").resolve("tls.crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path log = tmp.resolve("kubectl.log");
        Result r = script(Map.of("PATH", fakeKubectl(log) + File.pathSeparator + System.getenv("PATH")), "apply", "--dir", dir.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("deadline-guard-certs: error: " + dir.resolve("tls.crt") + " does not verify against "
                + dir.resolve("ca.crt") + "; not applying (run 'deadline-guard-certs check --dir " + dir + "')\n");
        assertThat(log).doesNotExist();
    }

    // ------------------------------------------------------------------------------------------
    // check --cluster

    @Test
    void checkClusterComparesEveryWebhooksCaBundleWithTheSecretsCa() throws Exception {
        Path dir = generated("certs");
        Path other = generated("other");
        String ca = b64(dir.resolve("ca.crt"));
        Path log = tmp.resolve("kubectl.log");
        Path bin = fakeKubectl(log, Map.of(
                "tls\\.crt", b64(dir.resolve("tls.crt")),
                "ca\\.crt", ca,
                "get mutatingwebhookconfiguration", "first.example " + ca + "\nsecond.example " + ca + "\n",
                "get validatingwebhookconfiguration", "first.example " + ca + "\nsecond.example " + b64(other.resolve("ca.crt")) + "\n"));
        Map<String, String> env = Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH"));

        Result r = script(env, "check", "--cluster");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("ok:   secret deadline-guard/deadline-guard-tls tls.crt verifies against secret deadline-guard/deadline-guard-tls ca.crt\n")
                .contains("ok:   mutatingwebhookconfiguration/deadline-guard webhook first.example: caBundle matches the Secret's ca.crt\n")
                .contains("ok:   mutatingwebhookconfiguration/deadline-guard webhook second.example: caBundle matches the Secret's ca.crt\n")
                .contains("ok:   validatingwebhookconfiguration/deadline-guard webhook first.example: caBundle matches the Secret's ca.crt\n")
                .contains("FAIL: validatingwebhookconfiguration/deadline-guard webhook second.example: caBundle does not match the Secret's ca.crt\n");
        assertThat(r.err()).endsWith("==> check failed: 1 problem(s)\n");
        assertThat(Files.readString(log).lines().toList()).containsExactly(
                "kubectl get secret deadline-guard-tls -n deadline-guard -o jsonpath={.data.ca\\.crt}",
                "kubectl get secret deadline-guard-tls -n deadline-guard -o jsonpath={.data.tls\\.crt}",
                "kubectl get mutatingwebhookconfiguration deadline-guard -o jsonpath={range .webhooks[*]}{.name}{\" \"}{.clientConfig.caBundle}{\"\\n\"}{end}",
                "kubectl get validatingwebhookconfiguration deadline-guard -o jsonpath={range .webhooks[*]}{.name}{\" \"}{.clientConfig.caBundle}{\"\\n\"}{end}");
    }

    @Test
    void checkClusterPassesWhenEveryBundleMatches() throws Exception {
        Path dir = generated("certs");
        String ca = b64(dir.resolve("ca.crt"));
        Path bin = fakeKubectl(tmp.resolve("kubectl.log"), Map.of(
                "tls\\.crt", b64(dir.resolve("tls.crt")),
                "ca\\.crt", ca,
                "webhookconfiguration", "only.example " + ca + "\n"));
        Result r = script(Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH")), "check", "--cluster");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).doesNotContain("FAIL")
                .contains("ok:   validatingwebhookconfiguration/deadline-guard webhook only.example: caBundle matches the Secret's ca.crt\n");
        assertThat(r.err()).endsWith("==> check passed\n");
    }

    // ------------------------------------------------------------------------------------------
    // missing tools and usage

    @Test
    void aMissingToolIsReportedWithExitTwo() throws Exception {
        Path dir = generated("certs");
        Result apply = script(Map.of("PATH", pathWithout("kubectl")), "apply", "--dir", dir.toString());
        assertThat(apply.exit()).as(apply.all()).isEqualTo(2);
        assertThat(apply.err()).isEqualTo("deadline-guard-certs: error: 'kubectl' is required for 'apply' but was not found on PATH\n");
        assertThat(apply.out()).isEmpty();

        Result check = script(Map.of("PATH", pathWithout("kubectl")), "check", "--cluster");
        assertThat(check.exit()).as(check.all()).isEqualTo(2);
        assertThat(check.err()).isEqualTo("deadline-guard-certs: error: 'kubectl' is required for 'check' but was not found on PATH\n");

        // The directory check does not need kubectl.
        Result dirCheck = script(Map.of("PATH", pathWithout("kubectl")), "check", "--dir", dir.toString());
        assertThat(dirCheck.exit()).as(dirCheck.all()).isZero();

        Result generate = script(Map.of("PATH", pathWithout("java")), "generate", "--dir", tmp.resolve("fresh").toString());
        assertThat(generate.exit()).as(generate.all()).isEqualTo(2);
        assertThat(generate.err()).isEqualTo("deadline-guard-certs: error: 'java' is required for 'generate' but was not found on PATH\n");
        assertThat(tmp.resolve("fresh")).doesNotExist();

        Result openssl = script(Map.of("PATH", pathWithout("openssl")), "check", "--dir", dir.toString());
        assertThat(openssl.exit()).as(openssl.all()).isEqualTo(2);
        assertThat(openssl.err()).isEqualTo("deadline-guard-certs: error: 'openssl' is required for 'check' but was not found on PATH\n");
    }

    /** Needs the real kubectl (installed for the manifest tests); the cluster is a port where nothing listens. */
    @Test
    void anUnreachableClusterIsOneLineNotKubectlsConnectionErrorsAndABlameOnTheManifests() throws Exception {
        Path dir = generated("certs");
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: none, user: {token: x}}]
                contexts: [{name: none, context: {cluster: none, user: none}}]
                current-context: none
                """);
        String unreachable = "deadline-guard-certs: error: cannot reach the Kubernetes cluster (check KUBECONFIG and the current "
                + "context): ";

        Result apply = script(Map.of("KUBECONFIG", kubeconfig.toString()), "apply", "--dir", dir.toString());
        assertThat(apply.exit()).as(apply.all()).isEqualTo(1);
        List<String> lines = apply.err().lines().toList();
        assertThat(lines).as(apply.all()).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("==> writing the CA bundle into every webhook of mutatingwebhookconfiguration/deadline-guard");
        assertThat(lines.get(1)).startsWith(unreachable).contains("127.0.0.1:1").doesNotContain("install the manifests");

        Result check = script(Map.of("KUBECONFIG", kubeconfig.toString()), "check", "--cluster");
        assertThat(check.exit()).as(check.all()).isEqualTo(1);
        assertThat(check.err().lines().toList()).as(check.all()).hasSize(2);
        assertThat(check.err().lines().toList().get(1)).startsWith(unreachable);
    }

    @Test
    void usageErrorsExitTwoAndHelpPrintsUsage() throws Exception {
        Result help = script("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: deadline-guard-certs COMMAND [OPTIONS]\n")
                .contains("  generate ").contains("  apply ").contains("  rotate ").contains("  check ");
        Result subHelp = script("check", "--help");
        assertThat(subHelp.exit()).isZero();
        assertThat(subHelp.out()).startsWith("Usage: deadline-guard-certs COMMAND [OPTIONS]\n");

        Result none = script();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).startsWith("Usage: deadline-guard-certs");

        assertUsageError(script("frobnicate"), "deadline-guard-certs: unknown command 'frobnicate'");
        assertUsageError(script("apply", "--force"), "deadline-guard-certs: apply: unknown option '--force'");
        assertUsageError(script("generate", "--dir"), "deadline-guard-certs: generate: --dir needs a value");
        assertUsageError(script("generate", "--key-type", "dsa"),
                "deadline-guard-certs: generate: --key-type must be ecdsa-p256, rsa-2048 or rsa-3072, not 'dsa'");
        assertUsageError(script("check", "--threshold-days", "soon"),
                "deadline-guard-certs: check: --threshold-days must be a whole number of days, not 'soon'");
        assertUsageError(script("check", "--cluster", "--dir", "x"), "deadline-guard-certs: check: give either --dir or --cluster, not both");
    }

    @Test
    void aMissingJarIsReportedWithExitTwo() throws Exception {
        Result r = script("generate", "--dir", tmp.resolve("certs").toString(), "--jar", tmp.resolve("nope.jar").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("deadline-guard-certs: error: deadline-guard jar not found at " + tmp.resolve("nope.jar")
                + "; build it with \"mvn package\", or pass --jar PATH or set DEADLINE_GUARD_JAR\n");
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private static void assertUsageError(Result r, String message) {
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(message + "\nRun 'deadline-guard-certs --help' for usage.\n");
    }

    private Path generated(String name) throws Exception {
        Path dir = tmp.resolve(name);
        Result r = script("generate", "--dir", dir.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        return dir;
    }

    private Result script(String... args) throws Exception {
        return script(Map.of(), args);
    }

    private Result script(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bash(), SCRIPT.toString()));
        command.addAll(Arrays.asList(args));
        return run(command, env);
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("DEADLINE_GUARD_JAR");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("timed out: " + command + "\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String bash() {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "bash");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("bash not found on PATH");
    }

    /**
     * Directories of links to every program on PATH but some, one per set of left-out tools, shared by the tests.
     * They live outside {@code @TempDir} and are removed in {@link #removeFakePaths()}: JUnit's temp-dir cleanup
     * warns once per symbolic link it deletes (thousands of lines per build).
     */
    private static final Map<Set<String>, Path> FAKE_PATHS = new HashMap<>();

    @AfterAll
    static void removeFakePaths() throws IOException {
        for (Path bin : FAKE_PATHS.values()) {
            try (var entries = Files.list(bin)) {
                for (Path link : entries.toList()) {
                    Files.delete(link);  // the link itself, never its target
                }
            }
            Files.delete(bin);
        }
        FAKE_PATHS.clear();
    }

    /** A directory with a link to every program on PATH except the given ones. */
    private static synchronized String pathWithout(String... tools) throws IOException {
        Set<String> skip = Set.of(tools);
        Path existing = FAKE_PATHS.get(skip);
        if (existing != null) {
            return existing.toString();
        }
        Path bin = Files.createTempDirectory("deadline-guard-path-");
        FAKE_PATHS.put(skip, bin);
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var entries = Files.list(d)) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    Path link = bin.resolve(name);
                    if (!skip.contains(name) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.isExecutable(entry) && !Files.isDirectory(entry)) {
                        Files.createSymbolicLink(link, entry.toAbsolutePath());
                    }
                }
            }
        }
        for (String tool : tools) {
            assertThat(bin.resolve(tool)).doesNotExist();
        }
        return bin.toString();
    }

    /** A fake kubectl that logs each call and its stdin, and answers {@code get} with two webhook names. */
    private Path fakeKubectl(Path log) throws IOException {
        return fakeKubectl(log, Map.of());
    }

    /**
     * A fake kubectl that appends "kubectl ARGS" (and for {@code apply -f -} its stdin between {@code <<<} and {@code >>>})
     * to {@code log}. A call whose arguments contain a key of {@code answers} prints its value; other {@code get} calls print
     * two webhook names; {@code patch} and {@code apply} print what kubectl would.
     */
    private Path fakeKubectl(Path log, Map<String, String> answers) throws IOException {
        Path bin = Files.createTempDirectory(tmp, "fake");
        Path answerDir = Files.createDirectories(bin.resolve("answers"));
        int i = 0;
        for (Map.Entry<String, String> answer : new HashMap<>(answers).entrySet()) {
            Files.writeString(answerDir.resolve(i + ".key"), answer.getKey());
            Files.writeString(answerDir.resolve(i + ".out"), answer.getValue());
            i++;
        }
        String stub = """
                #!/usr/bin/env bash
                log='%s'
                answers='%s'
                { printf 'kubectl'; printf ' %%s' "$@"; printf '\\n'; } >>"$log"
                for key in "$answers"/*.key; do
                    [[ -e $key ]] || continue
                    if [[ " $* " == *"$(<"$key")"* ]]; then
                        cat "${key%%.key}.out"
                        exit 0
                    fi
                done
                case $1 in
                    get) printf 'first.deadline-guard.dev\\nsecond.deadline-guard.dev\\n' ;;
                    patch) printf '%%s.admissionregistration.k8s.io/%%s patched\\n' "$2" "$3" ;;
                    apply) { printf '<<<\\n'; cat; printf '>>>\\n'; } >>"$log"; echo 'secret/deadline-guard-tls configured' ;;
                    *) echo "fake kubectl: unexpected call: $*" >&2; exit 1 ;;
                esac
                """.formatted(log, answerDir);
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(kubectl, stub);
        Files.setPosixFilePermissions(kubectl, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        return bin;
    }

    /** Every file in {@code dir} with its bytes. */
    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (var entries = Files.list(dir)) {
            for (Path file : entries.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static String twoWebhookPatch(String bundle) {
        return "[{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"" + bundle + "\"},"
                + "{\"op\":\"add\",\"path\":\"/webhooks/1/clientConfig/caBundle\",\"value\":\"" + bundle + "\"}]";
    }

    private static String b64(Path file) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

    private static byte[] decodedData(List<String> lines, String key) {
        List<String> values = lines.stream().filter(l -> l.startsWith("  " + key + ": ")).toList();
        assertThat(values).as(key).hasSize(1);
        return Base64.getDecoder().decode(values.get(0).substring(key.length() + 4));
    }

    private static JsonNode dryRunPatch(List<String> lines, String resource) throws IOException {
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("# JSON patch for " + resource + " ")) {
                String patch = lines.get(i + 1);
                assertThat(patch).startsWith("# [");
                return Json.MAPPER.readTree(patch.substring(2));
            }
        }
        throw new AssertionError("no patch for " + resource + " in:\n" + String.join("\n", lines));
    }

    private List<String> opensslSans(Path cert) throws Exception {
        Result r = run(List.of("openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", cert.toString()), Map.of());
        assertThat(r.exit()).as(r.all()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("X509v3 Subject Alternative Name:");
        return Arrays.stream(lines.get(1).trim().split(",\\s*")).toList();
    }

    /** The SAN entries that check printed for {@code label}. */
    private static Set<String> sansLine(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\n(?:  .*\n)*?  SANs:      (.*)$").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new LinkedHashSet<>(Arrays.asList(m.group(1).split(", ")));
    }

    /** The days left that check printed for {@code label}. */
    private static int days(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\n(?:  .*\n)*?  days left: (-?\\d+)$").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
