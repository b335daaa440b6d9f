package dev.deadlineguard.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kustomization renders with kubectl, parses strictly, and holds the objects the tools expect by name. */
class KustomizationsTest {

    /** The names certs-script/deadline-guard-certs uses by default (see certs-script/README.md). */
    static final String NAMESPACE = "deadline-guard";
    static final String NAME = "deadline-guard";
    static final String TLS_SECRET = "deadline-guard-tls";

    static List<Path> variants() {
        return Kustomize.VARIANTS;
    }

    @Test
    void everyKustomizationUnderManifestsIsAKnownVariant() {
        assertThat(Kustomize.kustomizations())
                .containsExactlyInAnyOrderElementsOf(Kustomize.VARIANTS);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void rendersAndEveryDocumentParsesStrictly(Path dir) {
        Rendered rendered = Rendered.of(dir);

        Map<String, Long> kinds = rendered.typed.stream()
                .collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        assertThat(kinds).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("Namespace", 1L), Map.entry("ServiceAccount", 1L), Map.entry("ClusterRole", 1L),
                Map.entry("ClusterRoleBinding", 1L), Map.entry("Role", 1L), Map.entry("RoleBinding", 1L),
                Map.entry("Deployment", 1L), Map.entry("Service", 1L), Map.entry("PodDisruptionBudget", 1L),
                Map.entry("MutatingWebhookConfiguration", 1L), Map.entry("ValidatingWebhookConfiguration", 1L)));
        if (dir.equals(Kustomize.CERT_MANAGER)) {
            assertThat(rendered.certManager).hasSize(4);
        } else {
            assertThat(rendered.certManager).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void namesMatchWhatTheCertsScriptAndTheWebhooksUse(Path dir) {
        Rendered r = Rendered.of(dir);

        assertThat(r.one(Namespace.class).getMetadata().getName()).isEqualTo(NAMESPACE);
        for (Class<? extends HasMetadata> type : List.of(ServiceAccount.class, Deployment.class, Service.class,
                PodDisruptionBudget.class, Role.class, RoleBinding.class)) {
            HasMetadata object = r.one(type);
            assertThat(object.getMetadata().getName()).as(type.getSimpleName()).isEqualTo(NAME);
            assertThat(object.getMetadata().getNamespace()).as(type.getSimpleName()).isEqualTo(NAMESPACE);
        }
        for (Class<? extends HasMetadata> type : List.of(ClusterRole.class, ClusterRoleBinding.class,
                MutatingWebhookConfiguration.class, ValidatingWebhookConfiguration.class, Namespace.class)) {
            HasMetadata object = r.one(type);
            assertThat(object.getMetadata().getNamespace()).as(type.getSimpleName() + " is cluster-scoped").isNull();
        }
        assertThat(r.one(MutatingWebhookConfiguration.class).getMetadata().getName()).isEqualTo(NAME);
        assertThat(r.one(ValidatingWebhookConfiguration.class).getMetadata().getName()).isEqualTo(NAME);
        assertThat(r.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull()
                        .satisfies(s -> assertThat(s.getSecretName()).isEqualTo(TLS_SECRET)));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyObjectCarriesTheCommonLabels(Path dir) {
        Rendered r = Rendered.of(dir);
        for (HasMetadata object : r.typed) {
            assertThat(object.getMetadata().getLabels()).as(object.getKind())
                    .containsEntry("app.kubernetes.io/name", "deadline-guard")
                    .containsEntry("app.kubernetes.io/part-of", "deadline-guard");
        }
        for (Map<String, Object> object : r.certManager) {
            assertThat(Maps.map(object, "metadata", "labels")).as(String.valueOf(object.get("kind")))
                    .containsEntry("app.kubernetes.io/name", "deadline-guard");
        }
    }

    @Test
    void theRootKustomizationIsTheSelfManagedVariant() {
        // certs-script/README.md says `kubectl apply -k manifests/`.
        assertThat(Kustomize.render(Kustomize.MANIFESTS)).isEqualTo(Kustomize.render(Kustomize.SELF_MANAGED));
    }

    @Test
    void theSelfManagedVariantIsTheBaseAsItIs() {
        assertThat(Kustomize.render(Kustomize.SELF_MANAGED)).isEqualTo(Kustomize.render(Kustomize.BASE));
    }

    @Test
    void webhookConfigurationsAreAppliedLast() {
        // kubectl apply -k applies in this order: the Service, RBAC and Deployment exist before the
        // API server starts calling the webhooks.
        for (Path dir : Kustomize.VARIANTS) {
            List<String> kinds = Rendered.of(dir).typed.stream().map(HasMetadata::getKind).toList();
            assertThat(kinds.get(0)).as(dir + " first").isEqualTo("Namespace");
            assertThat(kinds.subList(kinds.size() - 2, kinds.size())).as(dir + " last")
                    .containsExactlyInAnyOrder("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
        }
    }

    @Test
    void noVariantShipsASecretOrAnyKeyMaterial() {
        for (Path dir : Kustomize.VARIANTS) {
            assertThat(Kustomize.render(dir)).as(dir.toString())
                    .doesNotContain("kind: Secret")
                    .doesNotContain("PRIVATE KEY")
                    .doesNotContain("caBundle");
        }
    }

    @Test
    void namespaceEnforcesTheRestrictedPodSecurityStandard() {
        Namespace ns = Rendered.of(Kustomize.BASE).one(Namespace.class);
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(Set.of("kube-system", "default")).doesNotContain(ns.getMetadata().getName());
    }
}
