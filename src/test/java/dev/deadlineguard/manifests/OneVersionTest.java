package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.cli.Main;
import dev.deadlineguard.version.Version;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import picocli.CommandLine;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One version everywhere: the pom's, in {@code --version}, the kustomize image tag and the chart. */
class OneVersionTest {

    static final String POM_VERSION = pomVersion();

    @Test
    void thePomVersionIsAReleaseVersion() {
        assertThat(POM_VERSION).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void versionFlagPrintsThePomVersion() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString()).isEqualTo("deadline-guard " + POM_VERSION + System.lineSeparator());
        assertThat(Version.current()).isEqualTo(POM_VERSION);
    }

    @Test
    void kustomizeImageTagIsThePomVersion() throws IOException {
        JsonNode kustomization = Rendered.YAML.readTree(Kustomize.BASE.resolve("kustomization.yaml").toFile());
        JsonNode images = kustomization.path("images");
        assertThat(images).hasSize(1);
        assertThat(images.get(0).path("name").asText()).isEqualTo(DeploymentTest.IMAGE);
        assertThat(images.get(0).path("newTag").asText()).isEqualTo(POM_VERSION);
        assertThat(DeploymentTest.IMAGE_TAG).isEqualTo(POM_VERSION);
    }

    @Test
    void chartAppVersionIsThePomVersion() throws IOException {
        Path chart = Path.of("charts/deadline-guard/Chart.yaml");
        assertThat(chart).exists();
        JsonNode meta = Rendered.YAML.readTree(Files.readString(chart));
        assertThat(meta.path("appVersion").asText()).isEqualTo(POM_VERSION);
        assertThat(meta.path("version").asText()).isEqualTo(POM_VERSION);
    }

    static String pomVersion() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element project = factory.newDocumentBuilder().parse(new File("pom.xml")).getDocumentElement();
            for (org.w3c.dom.Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("version")) {
                    return e.getTextContent().trim();
                }
            }
            throw new AssertionError("pom.xml has no <version>");
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml: " + e.getMessage(), e);
        }
    }
}
