package dev.deadlineguard.manifests;

import dev.deadlineguard.admission.Endpoint;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook configurations: what is sent (only UPDATEs of Argo-managed ReplicaSets that carry a
 * deadline, outside kube-system and deadline-guard), where it is sent (the Service, the server's
 * paths), and that a broken webhook can never block the cluster.
 */
class WebhookConfigurationsTest {

    static List<Path> variants() {
        return Kustomize.VARIANTS;
    }

    /** The fields the two webhook types share, read from either. */
    record Hook(String name, WebhookClientConfig clientConfig, List<RuleWithOperations> rules, String matchPolicy,
                LabelSelector objectSelector, LabelSelector namespaceSelector, List<MatchCondition> matchConditions,
                String sideEffects, Integer timeoutSeconds, String failurePolicy, List<String> admissionReviewVersions) {

        static Hook of(MutatingWebhook w) {
            return new Hook(w.getName(), w.getClientConfig(), w.getRules(), w.getMatchPolicy(), w.getObjectSelector(),
                    w.getNamespaceSelector(), w.getMatchConditions(), w.getSideEffects(), w.getTimeoutSeconds(),
                    w.getFailurePolicy(), w.getAdmissionReviewVersions());
        }

        static Hook of(ValidatingWebhook w) {
            return new Hook(w.getName(), w.getClientConfig(), w.getRules(), w.getMatchPolicy(), w.getObjectSelector(),
                    w.getNamespaceSelector(), w.getMatchConditions(), w.getSideEffects(), w.getTimeoutSeconds(),
                    w.getFailurePolicy(), w.getAdmissionReviewVersions());
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void mutatingWebhookCallsMutateOnTheServiceAndIsReinvokedIfNeeded(Path dir) {
        Rendered r = Rendered.of(dir);
        List<MutatingWebhook> hooks = r.one(MutatingWebhookConfiguration.class).getWebhooks();
        assertThat(hooks).hasSize(1);
        MutatingWebhook hook = hooks.get(0);
        assertSafeAndScoped(r, Hook.of(hook), Endpoint.MUTATE.path());
        assertThat(hook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void validatingWebhookCallsValidateOnTheService(Path dir) {
        Rendered r = Rendered.of(dir);
        List<ValidatingWebhook> hooks = r.one(ValidatingWebhookConfiguration.class).getWebhooks();
        assertThat(hooks).hasSize(1);
        assertSafeAndScoped(r, Hook.of(hooks.get(0)), Endpoint.VALIDATE.path());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theTwoWebhooksHaveDistinctQualifiedNamesAndTheSameScope(Path dir) {
        Rendered r = Rendered.of(dir);
        Hook mutating = Hook.of(r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0));
        Hook validating = Hook.of(r.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0));
        for (Hook hook : List.of(mutating, validating)) {
            // The API server wants a fully qualified name; the audit annotation is "<name>/action".
            assertThat(hook.name()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}")
                    .endsWith(".deadline-guard.dev");
        }
        assertThat(mutating.name()).isNotEqualTo(validating.name());
        // Whatever one of them sees, the other sees too: the validating webhook is the backstop.
        assertThat(mutating.rules()).isEqualTo(validating.rules());
        assertThat(mutating.objectSelector()).isEqualTo(validating.objectSelector());
        assertThat(mutating.namespaceSelector()).isEqualTo(validating.namespaceSelector());
        assertThat(mutating.matchConditions()).isEqualTo(validating.matchConditions());
    }

    private static void assertSafeAndScoped(Rendered r, Hook hook, String path) {
        // Where: the Service's https port, on the path the server serves.
        Service service = r.one(Service.class);
        WebhookClientConfig client = hook.clientConfig();
        assertThat(client.getUrl()).as("url (a Service is called instead)").isNull();
        assertThat(client.getCaBundle()).as("caBundle is written by the certs-script or cert-manager").isNull();
        assertThat(client.getService().getName()).isEqualTo(service.getMetadata().getName());
        assertThat(client.getService().getNamespace()).isEqualTo(service.getMetadata().getNamespace())
                .isEqualTo(r.one(Namespace.class).getMetadata().getName());
        assertThat(client.getService().getPath()).isEqualTo(path);
        assertThat(client.getService().getPort()).isEqualTo(443);
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort).contains(client.getService().getPort());

        // What: only UPDATEs of apps/v1 replicasets, the main resource.
        assertThat(hook.rules()).hasSize(1);
        RuleWithOperations rule = hook.rules().get(0);
        assertThat(rule.getApiGroups()).containsExactly("apps");
        assertThat(rule.getApiVersions()).containsExactly("v1");
        assertThat(rule.getResources()).containsExactly("replicasets");
        assertThat(rule.getOperations()).containsExactly("UPDATE");
        assertThat(rule.getScope()).isEqualTo("Namespaced");
        assertThat(hook.matchPolicy()).isEqualTo("Equivalent");

        // Only Argo-managed ReplicaSets: the label every Rollout-owned ReplicaSet carries.
        assertThat(hook.objectSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(hook.objectSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("rollouts-pod-template-hash");
            assertThat(e.getOperator()).isEqualTo("Exists");
            assertThat(e.getValues()).isNullOrEmpty();
        });

        // Never kube-system, never the webhook's own namespace.
        assertThat(hook.namespaceSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(hook.namespaceSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
            assertThat(e.getOperator()).isEqualTo("NotIn");
            assertThat(e.getValues()).containsExactlyInAnyOrder("kube-system",
                    r.one(Namespace.class).getMetadata().getName());
        });

        // Only updates where a deadline key is involved (evaluated by MatchConditionsCelTest).
        assertThat(hook.matchConditions()).singleElement().satisfies(c -> {
            assertThat(c.getName()).matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
            assertThat(c.getExpression()).isNotBlank();
        });

        // Safe when broken: no side effects, short timeout, fail open, the v1 review only.
        assertThat(hook.sideEffects()).isEqualTo("None");
        assertThat(hook.timeoutSeconds()).isNotNull().isBetween(1, 5);
        assertThat(hook.failurePolicy()).isEqualTo("Ignore");
        assertThat(hook.admissionReviewVersions()).containsExactly("v1");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void noSelectorCanMatchEverything(Path dir) {
        Rendered r = Rendered.of(dir);
        for (Hook hook : List.of(Hook.of(r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0)),
                Hook.of(r.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0)))) {
            assertThat(hook.objectSelector()).isNotNull();
            assertThat(hook.namespaceSelector()).isNotNull();
            for (LabelSelectorRequirement e : hook.objectSelector().getMatchExpressions()) {
                assertThat(e.getOperator()).isIn("Exists", "In");
            }
        }
    }
}
