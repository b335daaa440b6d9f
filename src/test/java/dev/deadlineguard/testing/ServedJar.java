package dev.deadlineguard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built jar's {@code serve}, started in a working directory as a user starts it, with its standard
 * error in a log file; ready once it printed its {@code Try: curl ...} line, which names the port and
 * the CA to trust. {@link #close()} kills it if it still runs.
 */
public final class ServedJar implements AutoCloseable {

    public static final Path JAR = Path.of("target/deadline-guard.jar");
    static final Pattern TRY = Pattern.compile("Try: curl --silent --cacert (\\S+) .* https://localhost:(\\d+)/mutate");

    private final Process process;
    private final Path log;
    private final int port;
    private final Path caFile;

    private ServedJar(Process process, Path log, int port, Path caFile) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.caFile = caFile;
    }

    /**
     * Starts {@code java JVM_FLAGS -jar target/deadline-guard.jar serve --port 0 ARGS} in {@code workDir} with
     * {@code env} added to the environment, and waits for its curl line.
     */
    public static ServedJar start(Path workDir, List<String> jvmFlags, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString(), "serve", "--port", "0"));
        command.addAll(args);
        Path log = Files.createTempFile(workDir, "server", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = TRY.matcher(line);
            if (m.find()) {
                return new ServedJar(process, log, Integer.parseInt(m.group(2)), workDir.resolve(m.group(1)));
            }
        }
        throw new IllegalStateException("serve exited before printing its curl line: " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    /** The CA that serve's certificate chains to (the try-out CA it generated, or the one next to the given pair). */
    public Path caFile() {
        return caFile;
    }

    public Process process() {
        return process;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
