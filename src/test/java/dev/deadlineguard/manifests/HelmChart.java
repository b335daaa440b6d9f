package dev.deadlineguard.manifests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Renders charts/deadline-guard with the real Helm engine (helm-java), as `helm template` does. */
final class HelmChart {

    static final Path CHART = Path.of("charts/deadline-guard");
    static final String RELEASE = "deadline-guard";
    static final String NAMESPACE = "deadline-guard";

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private HelmChart() {
    }

    /** `helm template deadline-guard charts/deadline-guard -n deadline-guard -f VALUES`, parsed strictly. */
    static Rendered render(String name, String valuesYaml) {
        return CACHE.computeIfAbsent(name + "\n" + valuesYaml, k -> Rendered.parse(Path.of("chart[" + name + "]"), template(valuesYaml)));
    }

    /** Renders the chart's hooks too: helm-java's template leaves hook objects out, so a copy marks them otherwise. */
    static final String HOOK = "hook.test/helm.sh-hook";

    static String template(String valuesYaml) {
        try {
            Path values = Files.createTempFile("values-", ".yaml");
            Path copy = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "chart-");
            try {
                Files.writeString(values, valuesYaml);
                copyWithHooksVisible(copy.resolve("deadline-guard"));
                return new Helm(copy.resolve("deadline-guard")).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0")
                        .withValuesFile(values).call();
            } finally {
                Files.deleteIfExists(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyWithHooksVisible(Path target) throws IOException {
        try (var files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path to = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else if (source.getParent().getFileName().toString().equals("templates")) {
                    Files.writeString(to, Files.readString(source).replace("helm.sh/hook", HOOK));
                } else {
                    Files.copy(source, to);
                }
            }
        }
    }

    static LintResult lint() {
        return new Helm(CHART).lint().strict().call();
    }
}
