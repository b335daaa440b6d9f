package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import dev.deadlineguard.manifests.Permissions.Permission;
import dev.deadlineguard.manifests.Permissions.Scope;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * charts/deadline-guard through the real Helm engine (helm-java): lint, and `helm template` for several value
 * sets, parsed strictly into the Kubernetes models like the kustomize renders; with values that mirror
 * manifests/overlays/self-managed the chart renders the same install.
 */
class HelmChartTest {

    /** The self-managed kustomize variant, in Helm values. */
    static final String AS_KUSTOMIZE = """
            namespace: {create: true}
            certificates: {mode: secret, secretName: deadline-guard-tls}
            """;
    static final String DEFAULTS = "{}\n";
    static final String JOB_CERTIFICATES = "certificates: {mode: job}\n";
    static final String EVERYTHING = """
            image: {tag: "9.9.9"}
            replicas: 3
            validateMode: warn
            log: {format: json, level: debug}
            guardedKeys: [scale-down-deadline, example.com/deadline]
            controllerUsernames: ["system:serviceaccount:rollouts:controller", "ops"]
            exemptNamespaces: [batch-jobs]
            sweeper: {mode: report, namespaces: [shop, payments]}
            reports: {formats: [wgpolicy, openreports], maxResults: 200}
            certificates: {mode: secret, caBundle: "Q0E="}
            networkPolicy: {enabled: true, apiServerCIDRs: [10.0.0.1/32]}
            serviceMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
            prometheusRule: {enabled: true}
            grafanaDashboard: {enabled: true}
            sweepCronJob: {enabled: true, mode: report}
            certificateCheck: {enabled: true}
            """;
    static final String NO_SWEEPER = """
            sweeper: {enabled: false}
            prometheusRule: {enabled: true}
            sweepCronJob: {enabled: true, mode: enforce}
            """;

    static Stream<String> valueSets() {
        return Stream.of(AS_KUSTOMIZE, DEFAULTS, JOB_CERTIFICATES, EVERYTHING, NO_SWEEPER);
    }

    static Rendered chart(String values) {
        return HelmChart.render(values.lines().findFirst().orElse(""), values);
    }

    @Test
    void lintPassesStrictly() {
        LintResult lint = HelmChart.lint();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).allSatisfy(m -> assertThat(m).startsWith("[INFO]"));
    }

    @Test
    void asKustomizeItRendersTheSameKindsAndNamesAsTheSelfManagedVariant() {
        assertThat(kindsAndNames(chart(AS_KUSTOMIZE))).isEqualTo(kindsAndNames(Rendered.of(Kustomize.SELF_MANAGED)));
    }

    @Test
    void asKustomizeTheDeploymentIsTheSameHardenedDeployment() {
        Deployment helm = chart(AS_KUSTOMIZE).one(Deployment.class);
        Deployment kustomize = Rendered.of(Kustomize.SELF_MANAGED).one(Deployment.class);
        PodSpec h = helm.getSpec().getTemplate().getSpec();
        PodSpec k = kustomize.getSpec().getTemplate().getSpec();
        // Selectors differ only by the release label, which Helm adds; everything else is the same.
        h.getTopologySpreadConstraints().forEach(c -> c.getLabelSelector().getMatchLabels().remove("app.kubernetes.io/instance"));
        h.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
                .forEach(t -> t.getPodAffinityTerm().getLabelSelector().getMatchLabels().remove("app.kubernetes.io/instance"));
        Container hc = h.getContainers().get(0);
        Container kc = k.getContainers().get(0);
        assertThat(hc.getImage()).isEqualTo(kc.getImage()).isEqualTo(DeploymentTest.IMAGE + ":" + OneVersionTest.POM_VERSION);
        assertThat(h).isEqualTo(k);
        assertThat(helm.getSpec().getStrategy()).isEqualTo(kustomize.getSpec().getStrategy());
        assertThat(helm.getSpec().getReplicas()).isEqualTo(kustomize.getSpec().getReplicas());
        assertThat(helm.getSpec().getRevisionHistoryLimit()).isEqualTo(kustomize.getSpec().getRevisionHistoryLimit());
        assertThat(helm.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(helm.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void asKustomizeServicePdbAndRbacAreTheSame() {
        Rendered helm = chart(AS_KUSTOMIZE);
        Rendered kustomize = Rendered.of(Kustomize.SELF_MANAGED);
        assertThat(helm.one(Service.class).getSpec().getPorts()).isEqualTo(kustomize.one(Service.class).getSpec().getPorts());
        assertThat(helm.one(Service.class).getSpec().getSelector())
                .isEqualTo(helm.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        PodDisruptionBudget hp = helm.one(PodDisruptionBudget.class);
        PodDisruptionBudget kp = kustomize.one(PodDisruptionBudget.class);
        assertThat(hp.getSpec().getMinAvailable()).isEqualTo(kp.getSpec().getMinAvailable());
        assertThat(hp.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo(kp.getSpec().getUnhealthyPodEvictionPolicy());
        assertThat(hp.getSpec().getSelector()).isEqualTo(helm.one(Deployment.class).getSpec().getSelector());
        assertThat(helm.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
        Map<String, String> podSecurity = new TreeMap<>(kustomize.one(io.fabric8.kubernetes.api.model.Namespace.class)
                .getMetadata().getLabels());
        podSecurity.keySet().removeIf(k -> !k.startsWith("pod-security.kubernetes.io/"));
        assertThat(podSecurity).hasSize(4);
        assertThat(helm.one(io.fabric8.kubernetes.api.model.Namespace.class).getMetadata().getLabels())
                .containsAllEntriesOf(podSecurity);
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void theServersRbacIsExactlyThePermissionsList(String values) {
        Rendered r = chart(values);
        ClusterRole clusterRole = named(r.all(ClusterRole.class), HelmChart.RELEASE);
        Role role = named(r.all(Role.class), HelmChart.RELEASE);
        assertThat(RbacTest.expand(Scope.CLUSTER, clusterRole.getRules())).isEqualTo(Permissions.in(Scope.CLUSTER));
        assertThat(RbacTest.expand(Scope.OWN_NAMESPACE, role.getRules())).isEqualTo(Permissions.in(Scope.OWN_NAMESPACE));
        assertThat(named(r.all(ClusterRoleBinding.class), HelmChart.RELEASE).getSubjects())
                .singleElement().satisfies(s -> {
                    assertThat(s.getName()).isEqualTo(HelmChart.RELEASE);
                    assertThat(s.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
                });
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void chartAndKustomizeAgreeOnTheWebhookConfigurations(String values) {
        Rendered r = chart(values);
        Rendered kustomize = Rendered.of(Kustomize.SELF_MANAGED);
        var hm = WebhookConfigurationsTest.Hook.of(r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0));
        var km = WebhookConfigurationsTest.Hook.of(kustomize.one(MutatingWebhookConfiguration.class).getWebhooks().get(0));
        var hv = WebhookConfigurationsTest.Hook.of(r.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0));
        var kv = WebhookConfigurationsTest.Hook.of(kustomize.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0));
        for (var pair : List.of(List.of(hm, km), List.of(hv, kv))) {
            var h = pair.get(0);
            var k = pair.get(1);
            assertThat(h.name()).isEqualTo(k.name());
            assertThat(h.rules()).isEqualTo(k.rules());
            assertThat(h.objectSelector()).isEqualTo(k.objectSelector());
            assertThat(h.sideEffects()).isEqualTo(k.sideEffects());
            assertThat(h.timeoutSeconds()).isEqualTo(k.timeoutSeconds()).isEqualTo(5);
            assertThat(h.failurePolicy()).isEqualTo(k.failurePolicy()).isEqualTo("Ignore");
            assertThat(h.matchPolicy()).isEqualTo(k.matchPolicy());
            assertThat(h.admissionReviewVersions()).isEqualTo(k.admissionReviewVersions());
            assertThat(h.clientConfig().getService()).isEqualTo(k.clientConfig().getService());
            if (values.equals(EVERYTHING)) {
                // exemptNamespaces and guardedKeys flow into the selector and the CEL condition
                assertThat(h.namespaceSelector().getMatchExpressions().get(0).getValues())
                        .containsExactly("kube-system", "deadline-guard", "batch-jobs");
                assertThat(cel(h.matchConditions().get(0).getExpression()))
                        .isEqualTo(cel(k.matchConditions().get(0).getExpression())
                                .replace("argo-rollouts.argoproj.io/scale-down-deadline", "example.com/deadline"));
                assertThat(h.clientConfig().getCaBundle()).isEqualTo("Q0E=");
            } else {
                assertThat(h.namespaceSelector()).isEqualTo(k.namespaceSelector());
                assertThat(h.matchConditions()).hasSize(1).hasSameSizeAs(k.matchConditions());
                assertThat(h.matchConditions().get(0).getName()).isEqualTo(k.matchConditions().get(0).getName());
                assertThat(cel(h.matchConditions().get(0).getExpression())).isEqualTo(cel(k.matchConditions().get(0).getExpression()));
            }
        }
        assertThat(r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getReinvocationPolicy())
                .isEqualTo(kustomize.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getReinvocationPolicy());
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyObjectCarriesTheStandardLabels(String values) {
        for (HasMetadata object : chart(values).typed) {
            assertThat(object.getMetadata().getLabels()).as(object.getKind() + " " + object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/name", "deadline-guard")
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/version", OneVersionTest.POM_VERSION)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/part-of", "deadline-guard")
                    .containsEntry("helm.sh/chart", "deadline-guard-" + OneVersionTest.POM_VERSION);
        }
    }

    @Test
    void certManagerByDefaultWithTheOverlaysCertificatesAndCaInjection() {
        Rendered r = chart(DEFAULTS);
        Rendered overlay = Rendered.of(Kustomize.CERT_MANAGER);
        Function<Map<String, Object>, JsonNode> kindNameSpec = m -> Rendered.YAML.valueToTree(
                Map.of("kind", m.get("kind"), "name", Maps.at(m, "metadata", "name"), "spec", Maps.at(m, "spec")));
        assertThat(r.certManager.stream().map(kindNameSpec))
                .containsExactlyInAnyOrderElementsOf(overlay.certManager.stream().map(kindNameSpec).toList());
        for (HasMetadata config : List.of(r.one(MutatingWebhookConfiguration.class), r.one(ValidatingWebhookConfiguration.class))) {
            assertThat(config.getMetadata().getAnnotations())
                    .containsExactlyEntriesOf(Map.of("cert-manager.io/inject-ca-from", "deadline-guard/deadline-guard-serving"));
        }
        assertThat(r.all(Job.class)).isEmpty();
    }

    @Test
    void jobCertificatesCreateTheSecretBeforeAndPatchTheCaBundleAfterInstallWithNarrowRbac() {
        Rendered r = chart(JOB_CERTIFICATES);
        assertThat(r.certManager).isEmpty();
        Job secret = named(r.all(Job.class), "deadline-guard-certs-secret");
        Job bundle = named(r.all(Job.class), "deadline-guard-certs-ca-bundle");
        assertThat(secret.getMetadata().getAnnotations()).containsEntry(HelmChart.HOOK, "pre-install,pre-upgrade");
        assertThat(bundle.getMetadata().getAnnotations()).containsEntry(HelmChart.HOOK, "post-install,post-upgrade");

        PodSpec pod = secret.getSpec().getTemplate().getSpec();
        Container certs = pod.getInitContainers().get(0);
        assertThat(certs.getImage()).isEqualTo(DeploymentTest.IMAGE + ":" + OneVersionTest.POM_VERSION);
        assertThat(certs.getArgs()).containsExactly("certs", "--service", "deadline-guard", "--namespace", "deadline-guard",
                "--out", "/certs", "--days", "365");
        assertThat(String.join("\n", pod.getContainers().get(0).getArgs()))
                .contains("create secret generic deadline-guard-tls --type=kubernetes.io/tls");
        assertThat(String.join("\n", bundle.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()))
                .contains("/webhooks/0/clientConfig/caBundle")
                .contains("for kind in mutatingwebhookconfiguration validatingwebhookconfiguration");
        for (Job job : List.of(secret, bundle)) {
            PodSpec spec = job.getSpec().getTemplate().getSpec();
            assertThat(spec.getServiceAccountName()).isEqualTo("deadline-guard-certs");
            assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
            Stream.concat(spec.getContainers().stream(), spec.getInitContainers().stream()).forEach(c -> {
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            });
        }
        // RBAC: that Secret and those two configurations only (create cannot be limited to a name)
        Role role = named(r.all(Role.class), "deadline-guard-certs");
        assertThat(rules(role.getRules())).containsExactlyInAnyOrder(
                "/secrets [] create", "/secrets [deadline-guard-tls] get,patch");
        ClusterRole clusterRole = named(r.all(ClusterRole.class), "deadline-guard-certs");
        assertThat(rules(clusterRole.getRules())).containsExactly(
                "admissionregistration.k8s.io/mutatingwebhookconfigurations,validatingwebhookconfigurations [deadline-guard] get,patch");
        for (HasMetadata rbac : List.of(role, clusterRole, named(r.all(ServiceAccount.class), "deadline-guard-certs"),
                named(r.all(RoleBinding.class), "deadline-guard-certs"), named(r.all(ClusterRoleBinding.class), "deadline-guard-certs"))) {
            assertThat(rbac.getMetadata().getAnnotations())
                    .containsEntry(HelmChart.HOOK, "pre-install,pre-upgrade,post-install,post-upgrade")
                    .containsEntry(HelmChart.HOOK + "-weight", "-10");
        }
    }

    @Test
    void valuesFlowIntoTheServersEnvironmentAndTheOptionalObjects() throws Exception {
        Rendered r = chart(EVERYTHING);
        Deployment d = r.one(Deployment.class);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(c.getImage()).isEqualTo(DeploymentTest.IMAGE + ":9.9.9");
        assertThat(env(c)).containsEntry("DEADLINE_GUARD_VALIDATE_MODE", "warn")
                .containsEntry("DEADLINE_GUARD_GUARDED_KEY", "scale-down-deadline,example.com/deadline")
                .containsEntry("DEADLINE_GUARD_CONTROLLER_USERNAME", "system:serviceaccount:rollouts:controller,ops")
                .containsEntry("DEADLINE_GUARD_EXEMPT_NAMESPACE", "batch-jobs")
                .containsEntry("DEADLINE_GUARD_SWEEP_MODE", "report")
                .containsEntry("DEADLINE_GUARD_SWEEP_NAMESPACE", "shop,payments")
                .containsEntry("DEADLINE_GUARD_REPORTS", "wgpolicy,openreports")
                .containsEntry("DEADLINE_GUARD_MAX_REPORT_RESULTS", "200")
                .containsEntry("DEADLINE_GUARD_LOG_FORMAT", "json")
                .containsEntry("DEADLINE_GUARD_LOG_LEVEL", "debug");
        assertThat(c.getArgs()).doesNotContain("--no-sweeper");

        NetworkPolicy policy = r.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement()
                .satisfies(i -> assertThat(i.getPorts().get(0).getPort().getIntVal()).isEqualTo(8443));
        assertThat(policy.getSpec().getEgress().get(1).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.1/32");

        Map<String, Object> monitor = r.monitoring("ServiceMonitor");
        assertThat(Maps.at(monitor, "metadata", "labels", "release")).isEqualTo("kube-prometheus-stack");
        assertThat(Maps.at(monitor, "spec", "selector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/name", "deadline-guard", "app.kubernetes.io/instance", "deadline-guard"));
        assertThat(r.one(Service.class).getMetadata().getLabels())
                .containsAllEntriesOf(Map.of("app.kubernetes.io/name", "deadline-guard", "app.kubernetes.io/instance", "deadline-guard"));

        JsonNode groups = Rendered.YAML.valueToTree(Maps.at(r.monitoring("PrometheusRule"), "spec"));
        assertThat(groups).isEqualTo(Rendered.YAML.readTree(MonitoringComponentTest.CHART_FILES.resolve("prometheus-rules.yaml").toFile()));
        ConfigMap dashboard = r.one(ConfigMap.class);
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(Rendered.YAML.readTree(dashboard.getData().get("deadline-guard.json")))
                .isEqualTo(Rendered.YAML.readTree(Files.readString(MonitoringComponentTest.CHART_FILES.resolve("grafana-dashboard.json"))));
    }

    @Test
    void withoutTheInPodSweeperTheServerGetsNoSweeperAndTheRulesLoseTheSweeperAlerts() {
        Rendered r = chart(NO_SWEEPER);
        assertThat(r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .endsWith("--no-sweeper");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) Maps.at(
                ((List<?>) Maps.at(r.monitoring("PrometheusRule"), "spec", "groups")).get(0), "rules");
        assertThat(rules).extracting(m -> m.get("alert")).containsExactly("DeadlineGuardDown", "DeadlineGuardFailingOpen",
                "DeadlineGuardWebhookLatencyNearTimeout", "DeadlineGuardRepairsHappening", "DeadlineGuardDenials",
                "DeadlineGuardCertificateExpiringSoon");
    }

    @Test
    void sweepCronJobRunsOnePassWithAnExplicitModeAndOnlyWhatThatModeNeeds() {
        CronJob report = named(chart(EVERYTHING).all(CronJob.class), "deadline-guard-sweep");
        CronJob enforce = named(chart(NO_SWEEPER).all(CronJob.class), "deadline-guard-sweep");
        assertThat(container(report).getArgs()).containsExactly("sweep", "--once", "--sweep-mode=report");
        assertThat(container(enforce).getArgs()).containsExactly("sweep", "--once", "--sweep-mode=enforce");
        assertThat(report.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(report.getSpec().getJobTemplate().getSpec().getPodFailurePolicy().getRules().get(0).getOnExitCodes().getValues())
                .containsExactly(3);
        assertThat(report.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("deadline-guard-sweep");
        assertThat(rules(named(chart(EVERYTHING).all(ClusterRole.class), "deadline-guard-sweep").getRules())).containsExactly(
                "apps/replicasets [] list,watch", "argoproj.io/rollouts [] list,watch", "/events [] create");
        assertThat(rules(named(chart(NO_SWEEPER).all(ClusterRole.class), "deadline-guard-sweep").getRules())).containsExactly(
                "apps/replicasets [] get,list,watch,patch", "argoproj.io/rollouts [] list,watch", "/events [] create");
        assertThat(container(report).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void certificateCheckReadsTheSecretAsAVolumeAndMayOnlyGetTheWebhookConfigurations() {
        Rendered r = chart(EVERYTHING);
        CronJob check = named(r.all(CronJob.class), "deadline-guard-certificate-check");
        PodSpec pod = check.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("deadline-guard-tls"));
        assertThat(String.join("\n", container(check).getArgs())).contains("-checkend $((days * 86400))").contains("days=14");
        assertThat(rules(named(r.all(ClusterRole.class), "deadline-guard-certificate-check").getRules())).containsExactly(
                "admissionregistration.k8s.io/mutatingwebhookconfigurations,validatingwebhookconfigurations [deadline-guard] get");
        assertThat(r.all(Role.class)).extracting(x -> x.getMetadata().getName()).containsExactly("deadline-guard");
    }

    @Test
    void theSchemaRejectsValuesTheServerWouldNotAccept() {
        assertThatThrownBy(() -> HelmChart.template("validateMode: deny\n"))
                .hasMessageContaining("at '/validateMode': value must be one of 'enforce', 'warn'");
        assertThatThrownBy(() -> HelmChart.template("sweeper: {mode: fix}\n"))
                .hasMessageContaining("at '/sweeper/mode': value must be one of 'report', 'repair', 'enforce'");
        assertThatThrownBy(() -> HelmChart.template("certificates: {mode: manual}\n")).hasMessageContaining("at '/certificates/mode'");
        assertThatThrownBy(() -> HelmChart.template("replica: 2\n")).hasMessageContaining("replica");
    }

    /** A CEL expression with its layout whitespace collapsed (YAML folding differs between the two renderers). */
    private static String cel(String expression) {
        return expression.replaceAll("\\s+", " ").strip();
    }

    private static Container container(CronJob job) {
        return job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> a, TreeMap::new));
    }

    private static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().map(r -> String.join(",", r.getApiGroups()) + "/" + String.join(",", r.getResources()) + " "
                + (r.getResourceNames() == null ? "[]" : r.getResourceNames().toString()) + " " + String.join(",", r.getVerbs()))
                .toList();
    }

    private static <T extends HasMetadata> T named(List<T> objects, String name) {
        return objects.stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no object named " + name + " in " + objects.stream()
                        .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }

    private static Set<String> kindsAndNames(Rendered r) {
        Function<Map<String, Object>, String> generic = m -> m.get("kind") + "/" + Maps.at(m, "metadata", "name");
        return Stream.concat(r.typed.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()),
                r.certManager.stream().map(generic)).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
