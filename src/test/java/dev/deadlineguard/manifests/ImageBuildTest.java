package dev.deadlineguard.manifests;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jib configuration in pom.xml builds the image the Deployment runs: same repository, entrypoint
 * {@code java -jar /app/deadline-guard.jar}, a distroless Java 17 base, the nonroot user; and it is
 * never run by {@code mvn verify} (no execution bound to a phase).
 */
class ImageBuildTest {

    private final Element pom = parse();

    @Test
    void jibIsConfiguredButBoundToNoPhase() {
        Element jib = jib();
        assertThat(child(jib, "version").getTextContent()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(child(jib, "executions")).as("executions (would run during mvn verify)").isNull();
    }

    @Test
    void imageIsTheOneTheDeploymentRuns() {
        Element config = child(jib(), "configuration");
        String to = child(child(config, "to"), "image").getTextContent().trim();
        assertThat(to).startsWith(DeploymentTest.IMAGE + ":");
        String from = child(child(config, "from"), "image").getTextContent().trim();
        assertThat(from).startsWith("gcr.io/distroless/java17").contains("nonroot");
    }

    @Test
    void entrypointRunsTheShadedJarAndTheDefaultArgumentIsServe() {
        Element container = child(child(jib(), "configuration"), "container");
        String finalName = child(child(pom, "build"), "finalName").getTextContent().trim();
        List<String> entrypoint = texts(child(container, "entrypoint"))
                .stream().map(s -> s.replace("${project.build.finalName}", finalName)).toList();
        assertThat(entrypoint).containsExactly("java", "-jar", "/app/deadline-guard.jar");
        assertThat(texts(child(container, "args"))).containsExactly("serve");
        assertThat(child(container, "user").getTextContent().trim()).isEqualTo("65532:65532");
        assertThat(texts(child(container, "ports"))).containsExactly(String.valueOf(DeploymentTest.SERVER_PORT));
    }

    private Element jib() {
        NodeList plugins = pom.getElementsByTagName("plugin");
        Element found = null;
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            Element artifact = child(plugin, "artifactId");
            if (artifact != null && artifact.getTextContent().trim().equals("jib-maven-plugin")) {
                assertThat(child(plugin, "groupId").getTextContent().trim()).isEqualTo("com.google.cloud.tools");
                assertThat(found).as("one jib-maven-plugin").isNull();
                found = plugin;
            }
        }
        assertThat(found).as("jib-maven-plugin in pom.xml").isNotNull();
        return found;
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<String> texts(Element parent) {
        assertThat(parent).isNotNull();
        List<String> texts = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                texts.add(e.getTextContent().trim());
            }
        }
        return texts;
    }

    private static Element parse() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new File("pom.xml"));
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml: " + e.getMessage(), e);
        }
    }
}
