package dev.deadlineguard.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Renders kustomizations with {@code kubectl kustomize DIR}, the way {@code kubectl apply -k} does. */
final class Kustomize {

    static final Path MANIFESTS = Path.of("manifests");
    static final Path BASE = MANIFESTS.resolve("base");
    static final Path SELF_MANAGED = MANIFESTS.resolve("overlays/self-managed");
    static final Path CERT_MANAGER = MANIFESTS.resolve("overlays/cert-manager");

    /** Every install variant a cluster admin may apply, and the base they share. */
    static final List<Path> VARIANTS = List.of(BASE, SELF_MANAGED, CERT_MANAGER, MANIFESTS);

    private static final long TIMEOUT_SECONDS = 60;
    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The rendered YAML stream of the kustomization in {@code dir}; fails the test when kubectl fails. */
    static String render(Path dir) {
        return CACHE.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::run);
    }

    /** Optional parts an overlay adds with {@code components:}; rendered on top of a variant by their tests. */
    static final Path COMPONENTS = MANIFESTS.resolve("components");

    /** Every directory under manifests/ that holds a kustomization (not a Component). */
    static List<Path> kustomizations() {
        try (Stream<Path> files = Files.walk(MANIFESTS)) {
            return files.filter(p -> p.getFileName().toString().matches("kustomization\\.ya?ml|Kustomization"))
                    .map(Path::getParent)
                    .filter(p -> !p.startsWith(COMPONENTS))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(Path dir) {
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process process;
                try {
                    process = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .start();
                } catch (IOException e) {
                    throw new AssertionError("the manifest tests need kubectl (with its built-in kustomize) on PATH: "
                            + e.getMessage(), e);
                }
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within " + TIMEOUT_SECONDS + "s");
                }
                String stderr = Files.readString(err, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "): " + stderr);
                }
                String yaml = Files.readString(out, StandardCharsets.UTF_8);
                if (yaml.isBlank()) {
                    throw new AssertionError("kubectl kustomize " + dir + " rendered nothing; stderr: " + stderr);
                }
                return yaml;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + dir, e);
        }
    }
}
