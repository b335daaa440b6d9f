package dev.deadlineguard.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A user's overlay as the README shows it: a variant plus components, rendered with kubectl kustomize. */
final class Overlays {

    private Overlays() {
    }

    static Rendered render(Path variant, Path... components) {
        try {
            // Inside the project: kustomize takes only relative paths, and only to directories it may read.
            Path parent = Files.createDirectories(Path.of("target/overlays").toAbsolutePath());
            Path dir = Files.createTempDirectory(parent, "overlay-");
            Files.writeString(dir.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - %s
                    components:
                    %s
                    """.formatted(dir.relativize(variant.toAbsolutePath()), Arrays.stream(components)
                    .map(c -> "  - " + dir.relativize(c.toAbsolutePath())).collect(Collectors.joining("\n"))));
            return Rendered.parse(variant, Kustomize.render(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
