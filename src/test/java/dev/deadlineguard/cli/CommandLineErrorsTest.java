package dev.deadlineguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.deadlineguard.cli.ReviewCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Every command-line mistake: one line that says what is wrong and what is accepted, one hint line, exit code 2. */
class CommandLineErrorsTest {

    @TempDir
    Path dir;

    private static void assertUsageError(ReviewCommandTest.Run run, String command, String line) {
        assertThat(run.err()).isEqualTo("error: " + line + "\nsee 'deadline-guard" + (command.isEmpty() ? "" : " " + command)
                + " --help'\n");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingCertificateFileIsNamedWithTheReason() {
        assertUsageError(run("serve", "--tls-cert-file", "/nope.crt", "--tls-key-file", "/nope.key", "--no-sweeper"),
                "serve", "cannot read certificate file /nope.crt: no such file");
    }

    @Test
    void aDirectoryGivenAsTheKeyFileIsNamed() throws Exception {
        Path cert = Files.writeString(dir.resolve("tls.crt"), "x");
        assertUsageError(run("serve", "--tls-cert-file", cert.toString(), "--tls-key-file", dir.toString(), "--no-sweeper"),
                "serve", "cannot read key file " + dir + ": it is a directory");
    }

    @Test
    void certsOutThatIsAFileIsNotADirectory() {
        assertUsageError(run("certs", "--service", "s", "--namespace", "n", "--out", "README.md"),
                "certs", "--out README.md is not a directory");
    }

    @Test
    void serveCertDirThatIsAFileIsNotADirectory() {
        assertUsageError(run("serve", "--cert-dir", "README.md", "--no-sweeper"), "serve", "--cert-dir README.md is not a directory");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "audit|--now|tomorrow|expected an RFC 3339 instant like 2024-08-01T15:13:36Z",
            "audit|--now|2024-08-01 15:13:36|expected an RFC 3339 instant like 2024-08-01T15:13:36Z",
            "serve|--port|abc|expected a whole number",
            "serve|--shutdown-grace|5x|expected a duration such as 30s, 5m or 1h",
            "review|--validate-mode|bogus|expected one of enforce, warn",
            "review|-o|xml|expected one of json, yaml",
            "audit|--fail-on|always|expected one of fail, warn, none",
            "sweep|--sweep-mode|fix|expected one of report, repair, enforce",
            "certs|--key-type|dsa|expected one of ecdsa-p256, rsa-2048, rsa-3072",
            "serve|--reports|kyverno|expected wgpolicy, openreports (both comma-separated) or none",
    })
    void aBadOptionValueIsOneLineNamingTheOptionAndWhatIsAccepted(String command, String option, String value, String expected) {
        assertUsageError(run(command, option, value), command, "invalid value '" + value + "' for "
                + (option.equals("-o") ? "--output" : option) + ": " + expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"bad key!", "-starts-with-dash", "Example.com/deadline", "a/b/c", "/deadline",
            "example.com/", "x.io/name-of-sixty-four-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void aGuardedKeyThatKubernetesWouldRejectIsRejected(String key) {
        assertUsageError(run("review", "--guarded-key", "scale-down-deadline," + key), "review", "invalid value '" + key
                + "' for --guarded-key: expected an annotation key such as scale-down-deadline or example.com/deadline: an "
                + "optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', beginning and ending with a "
                + "letter or digit");
    }

    @Test
    void validAnnotationKeysAreAccepted() {
        for (String key : List.of("scale-down-deadline", "argo-rollouts.argoproj.io/scale-down-deadline", "a", "A_b.c-9",
                "x.io/" + "n".repeat(63))) {
            assertThat(AnnotationKeyConverter.isValid(key)).as(key).isTrue();
        }
        ReviewCommandTest.Run run = run("review", "--guarded-key", " my.example/deadline ,,scale-down-deadline", "samples/04-blanked.json");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void helpListsTheEnvironmentVariablesOfEachCommand() {
        ReviewCommandTest.Run sweep = run("sweep", "--help");
        assertThat(sweep.exitCode()).isZero();
        assertThat(sweep.out()).contains("      --sync-timeout=DURATION\n")
                .contains("\nEnvironment: every flag can also be set with a variable (a flag on the command\n"
                        + "line wins; several values comma-separated):\n")
                .contains("\n  DEADLINE_GUARD_SYNC_TIMEOUT              --sync-timeout\n")
                .doesNotContain("DEADLINE_GUARD_HELP");
        assertThat(run("serve", "--help").out()).contains("\n  DEADLINE_GUARD_CERT_DIR                  --cert-dir\n")
                .contains("\n  DEADLINE_GUARD_VALIDATE_MODE             --validate-mode\n");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() {
        assertUsageError(run(Map.of("DEADLINE_GUARD_VALIDATE_MODE", "x"), "review", "samples/04-blanked.json"), "review",
                "invalid value 'x' for DEADLINE_GUARD_VALIDATE_MODE (--validate-mode): expected one of enforce, warn");
        assertUsageError(run(Map.of("DEADLINE_GUARD_PORT", "eighty"), "serve"), "serve",
                "invalid value 'eighty' for DEADLINE_GUARD_PORT (--port): expected a whole number");
    }

    @Test
    void aBadValueOnTheCommandLineIsBlamedOnTheFlagEvenWithTheVariableSet() {
        assertUsageError(run(Map.of("DEADLINE_GUARD_VALIDATE_MODE", "warn"), "review", "--validate-mode=x"), "review",
                "invalid value 'x' for --validate-mode: expected one of enforce, warn");
    }

    @Test
    void unknownCommandsOptionsAndArguments() {
        assertUsageError(run("bogus"), "", "unknown command 'bogus': expected one of serve, review, audit, sweep, certs, help");
        assertUsageError(run(), "", "a command is required: one of serve, review, audit, sweep, certs, help");
        assertUsageError(run("serve", "--bogus"), "serve", "unknown option '--bogus'");
        assertUsageError(run("review", "a.json", "b.json"), "review", "unexpected argument 'b.json'");
        assertUsageError(run("certs", "--service", "s"), "certs", "missing required option: '--namespace=NS'");
    }

    @Test
    void truncatedAndMalformedInputIsOneLineWithLineAndColumn() throws Exception {
        Path truncated = Files.writeString(dir.resolve("truncated.json"), "{\"items\": [\n  {\"kind\": \"ReplicaSet\"");
        ReviewCommandTest.Run audit = run("audit", truncated.toString());
        assertThat(audit.err()).isEqualTo("error: input is neither JSON nor YAML: at line 2, column 24: the input ends early (truncated?)\n");
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.FAILURE);

        Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"apiVersion\": admission}");
        ReviewCommandTest.Run review = run("review", malformed.toString());
        assertThat(review.err()).isEqualTo("error: not an AdmissionReview request: request body is not valid JSON at line 1, "
                + "column 16: unexpected character 'a'\n");
        assertThat(review.exitCode()).isEqualTo(ExitCodes.FAILURE);

        Path yaml = Files.writeString(dir.resolve("broken.yaml"), "items: [1, 2\n");
        assertThat(run("audit", yaml.toString()).err())
                .isEqualTo("error: input is neither JSON nor YAML: at line 1, column 13: expected ',' or ']', but got <stream end>\n");
    }

    @Test
    void failuresWhileRunningSayWhatWentWrongInWords() {
        assertThat(CommandFailures.describe(new NoSuchFileException("/x/tls.crt"))).isEqualTo("no such file: /x/tls.crt");
        assertThat(CommandFailures.describe(new AccessDeniedException("/x/tls.key"))).isEqualTo("permission denied: /x/tls.key");
        assertThat(CommandFailures.describe(new IllegalStateException(new NullPointerException())))
                .isEqualTo("unexpected internal failure (see the log with debug enabled)");
        assertThat(CommandFailures.describe(new RuntimeException("java.io.UncheckedIOException: boom")))
                .isEqualTo(CommandFailures.INTERNAL);
        assertThat(CommandFailures.describe(new IllegalStateException("the lease namespace is missing")))
                .isEqualTo("the lease namespace is missing");
    }
}
