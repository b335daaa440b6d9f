package dev.deadlineguard.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code promtool} (package {@code prometheus}; {@code .ci/run} installs it). */
final class Promtool {

    /** Exit code and combined output of one run. */
    record Result(int exitCode, String output) {
    }

    private static final long TIMEOUT_SECONDS = 60;

    private Promtool() {
    }

    static Result run(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(workDir, "promtool-", ".out");
            Process process;
            try {
                process = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("the monitoring tests need promtool on PATH (Debian: apt-get install prometheus; "
                        + ".ci/run installs it): " + e.getMessage(), e);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + "s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("running " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running promtool", e);
        }
    }
}
