package dev.deadlineguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig file for a (mock) API server, for commands that use the standard kubeconfig resolution. */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** Writes {@code dir/kubeconfig} pointing at {@code url} (TLS not verified) with {@code namespace}; returns its path. */
    public static Path write(Path dir, String url, String namespace) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: me
                  user:
                    token: test
                contexts:
                - name: mock
                  context: {cluster: mock, user: me, namespace: %s}
                current-context: mock
                """.formatted(url, namespace));
        return file;
    }
}
