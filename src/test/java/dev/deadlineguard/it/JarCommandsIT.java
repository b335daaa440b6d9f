package dev.deadlineguard.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command of the built jar, run as a user runs it: a separate JVM, its exit code, its two streams. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JarCommandsIT {

    @TempDir
    Path workDir;

    record Result(int exitCode, String out, String err) {
    }

    Result jar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", ServeJarIT.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().put("KUBECONFIG", workDir.resolve("no-kubeconfig").toString());
        builder.environment().putAll(env);
        Path out = workDir.resolve("stdout");
        Path err = workDir.resolve("stderr");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Result(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    Result jar(String... args) throws IOException, InterruptedException {
        return jar(Map.of(), args);
    }

    @Test
    void usageErrorsAreOneLineAndAHintWithExitCodeTwo() throws Exception {
        Result cert = jar("serve", "--tls-cert-file", "/nope.crt", "--tls-key-file", "/nope.key");
        assertThat(cert.err()).isEqualTo("error: cannot read certificate file /nope.crt: no such file\n"
                + "see 'deadline-guard serve --help'\n");
        assertThat(cert.exitCode()).isEqualTo(2);

        Result env = jar(Map.of("DEADLINE_GUARD_VALIDATE_MODE", "x"), "review");
        assertThat(env.err()).isEqualTo("error: invalid value 'x' for DEADLINE_GUARD_VALIDATE_MODE (--validate-mode): "
                + "expected one of enforce, warn\nsee 'deadline-guard review --help'\n");
        assertThat(env.exitCode()).isEqualTo(2);
    }
}
