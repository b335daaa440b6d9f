package dev.deadlineguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kubeconfig file for a (mock) API server, for commands that use the standard kubeconfig resolution:
 * the context {@code mock} (the given API server, TLS not verified) and {@code nowhere} (a closed port).
 */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** Writes {@code dir/kubeconfig} with {@code mock} as the current context; returns its path. */
    public static Path write(Path dir, String url, String namespace) throws IOException {
        return write(dir, url, namespace, "mock");
    }

    /** Writes {@code dir/kubeconfig} with the given current context; returns its path. */
    public static Path write(Path dir, String url, String namespace, String currentContext) throws IOException {
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
        return file;
    }

    /** Writes the file and points the {@code kubeconfig} system property at it, as KUBECONFIG would. */
    public static void use(Path dir, String url, String namespace, String currentContext) throws IOException {
        System.setProperty("kubeconfig", write(dir, url, namespace, currentContext).toString());
    }

    public static void clear() {
        System.clearProperty("kubeconfig");
    }
}
