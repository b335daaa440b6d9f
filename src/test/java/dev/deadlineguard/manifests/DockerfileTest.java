package dev.deadlineguard.manifests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile builds the image that Jib and the manifests describe: multi-stage, the same distroless JRE base,
 * the same entrypoint, argument, user and port, and the pom's version. (No container engine runs here; see the
 * README's "Build the image".)
 */
class DockerfileTest {

    private final List<String> instructions = instructions(Path.of("Dockerfile"));

    @Test
    void buildsInABuildStageAndRunsOnTheSameJreBaseAsJib() throws Exception {
        List<String> from = all("FROM");
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).matches("maven:\\S+-eclipse-temurin-17 AS build");
        String jibBase = pomText().replaceAll("(?s).*<from>\\s*<!--.*?-->\\s*<image>([^<]+)</image>.*", "$1").trim();
        assertThat(from.get(1)).isEqualTo(jibBase).startsWith("gcr.io/distroless/java17");
        assertThat(all("COPY")).contains("--from=build /src/target/deadline-guard.jar /app/deadline-guard.jar");
    }

    @Test
    void entrypointArgumentUserAndPortAreJibsAndTheManifests() {
        assertThat(one("ENTRYPOINT")).isEqualTo("[\"java\", \"-jar\", \"/app/deadline-guard.jar\"]");
        assertThat(one("CMD")).isEqualTo("[\"serve\"]");
        assertThat(one("USER")).isEqualTo("65532:65532");
        assertThat(one("EXPOSE")).isEqualTo(String.valueOf(DeploymentTest.SERVER_PORT));
        // The Deployment passes only arguments: the image's entrypoint runs them.
        var container = DeploymentTest.container(DeploymentTest.deployment(Kustomize.BASE));
        assertThat(container.getCommand()).isNullOrEmpty();
        assertThat(container.getArgs().get(0)).isEqualTo("serve");
        assertThat(container.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    }

    @Test
    void versionLabelIsThePomVersion() {
        assertThat(one("ARG")).isEqualTo("VERSION=" + OneVersionTest.POM_VERSION);
        assertThat(one("LABEL")).contains("org.opencontainers.image.version=\"${VERSION}\"")
                .contains("org.opencontainers.image.licenses=\"Apache-2.0\"");
    }

    private String one(String keyword) {
        List<String> found = all(keyword);
        assertThat(found).as(keyword).hasSize(1);
        return found.get(0);
    }

    private List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " ")).map(i -> i.substring(keyword.length() + 1).strip())
                .toList();
    }

    private static String pomText() throws IOException {
        return Files.readString(Path.of("pom.xml"));
    }

    /** Instructions with continuation lines joined and comments dropped. */
    private static List<String> instructions(Path dockerfile) {
        try {
            List<String> result = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(dockerfile)) {
                if (line.strip().startsWith("#") || line.isBlank()) {
                    continue;
                }
                Matcher m = Pattern.compile("^(.*?)\\\\\\s*$").matcher(line);
                if (m.matches()) {
                    current.append(m.group(1).strip()).append(' ');
                } else {
                    current.append(line.strip());
                    result.add(current.toString().replaceAll("\\s+", " "));
                    current.setLength(0);
                }
            }
            return result;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dockerfile, e);
        }
    }
}
