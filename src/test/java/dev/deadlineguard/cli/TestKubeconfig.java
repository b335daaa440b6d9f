package dev.deadlineguard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a kubeconfig with two contexts, {@code mock} (the given API server) and {@code nowhere} (a closed port), and
 * points the {@code kubeconfig} system property at it, as KUBECONFIG would.
 */
final class TestKubeconfig {

    private TestKubeconfig() {
    }

    static void use(Path dir, String url, String namespace, String currentContext) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                - name: nowhere
                  cluster:
                    server: https://127.0.0.1:1
                users:
                - name: me
                  user:
                    token: test
                contexts:
                - name: mock
                  context: {cluster: mock, user: me, namespace: %s}
                - name: nowhere
                  context: {cluster: nowhere, user: me}
                current-context: %s
                """.formatted(url, namespace, currentContext));
        System.setProperty("kubeconfig", file.toString());
    }

    static void clear() {
        System.clearProperty("kubeconfig");
    }
}
