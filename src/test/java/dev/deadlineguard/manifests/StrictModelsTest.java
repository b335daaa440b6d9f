package dev.deadlineguard.manifests;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict parsing the other tests rely on really rejects what the API server would drop or refuse. */
class StrictModelsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: x
            spec:
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: x
                      image: x
                      securityContext:
                        %s: true
            """;

    @Test
    void aKnownFieldParses() {
        var doc = Rendered.documents(DEPLOYMENT.formatted("readOnlyRootFilesystem")).get(0);
        Deployment d = StrictModels.parse(doc, Deployment.class, "ok");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
                .getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void aMisspeltNestedFieldIsRejectedWithItsPath() {
        var doc = Rendered.documents(DEPLOYMENT.formatted("readOnlyRootFileSystem")).get(0);
        assertThatThrownBy(() -> StrictModels.parse(doc, Deployment.class, "typo"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(".spec.template.spec.containers[0].securityContext [readOnlyRootFileSystem]");
    }

    @Test
    void aMisspeltWebhookFieldIsRejected() {
        var doc = Rendered.documents("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: x}
                webhooks:
                  - name: a.b.c
                    failurePolicy: Ignore
                    matchCondition:
                      - {name: a, expression: 'true'}
                """).get(0);
        assertThatThrownBy(() -> StrictModels.parse(doc, ValidatingWebhookConfiguration.class, "typo"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("matchCondition");
    }

    @Test
    void aValueOfTheWrongTypeIsRejected() {
        var doc = Rendered.documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: two
                """).get(0);
        assertThatThrownBy(() -> StrictModels.parse(doc, Deployment.class, "type"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("does not parse");
    }

    @Test
    void anUnexpectedKindFailsTheRender() {
        assertThatThrownBy(() -> Rendered.parse(Path.of("inline"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: x}
                """)).isInstanceOf(AssertionError.class).hasMessageContaining("unexpected type v1/Secret");
    }

    @Test
    void aBrokenKustomizationFailsWithKubectlsMessage(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - missing.yaml\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing.yaml");
    }
}
