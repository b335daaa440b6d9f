package dev.deadlineguard.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * manifests/components/sweep-cronjob and certificate-check on top of the self-managed variant: the same CronJob
 * and RBAC as the chart renders with the job turned on, under the same names, bound to their own ServiceAccount.
 */
class ScheduledJobsComponentsTest {

    static final String CHART_VALUES = "sweepCronJob: {enabled: true}\ncertificateCheck: {enabled: true}\ncertificates: {mode: secret}\n";

    @ParameterizedTest
    @ValueSource(strings = {"sweep-cronjob", "certificate-check"})
    void componentIsTheChartsCronJobWithItsOwnNarrowServiceAccount(String component) {
        String name = "deadline-guard-" + (component.equals("sweep-cronjob") ? "sweep" : component);
        Rendered kustomize = Overlays.render(Kustomize.SELF_MANAGED, Kustomize.COMPONENTS.resolve(component));
        Rendered chart = HelmChart.render("scheduled jobs", CHART_VALUES);

        CronJob k = named(kustomize.all(CronJob.class), name);
        CronJob h = named(chart.all(CronJob.class), name);
        assertThat(withoutLabels(k.getSpec())).isEqualTo(withoutLabels(h.getSpec()));
        assertThat(k.getMetadata().getNamespace()).isEqualTo("deadline-guard");
        assertThat(k.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(name);

        assertThat(named(kustomize.all(ClusterRole.class), name).getRules())
                .isEqualTo(named(chart.all(ClusterRole.class), name).getRules());
        assertThat(named(kustomize.all(ClusterRoleBinding.class), name).getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(name);
            assertThat(s.getNamespace()).isEqualTo("deadline-guard");
        });
        assertThat(named(kustomize.all(ServiceAccount.class), name).getAutomountServiceAccountToken()).isFalse();
        for (HasMetadata object : List.of(k, named(kustomize.all(ClusterRole.class), name))) {
            assertThat(object.getMetadata().getLabels()).containsAllEntriesOf(Map.of("app.kubernetes.io/name", "deadline-guard",
                    "app.kubernetes.io/managed-by", "kustomize"));
        }
        // The server's own RBAC is untouched by the component.
        assertThat(RbacTest.expand(Permissions.Scope.CLUSTER, named(kustomize.all(ClusterRole.class), "deadline-guard").getRules()))
                .isEqualTo(Permissions.in(Permissions.Scope.CLUSTER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep-cronjob"})
    void sweepComponentRunsTheReleaseImageWithAnExplicitMode(String component) {
        Rendered kustomize = Overlays.render(Kustomize.SELF_MANAGED, Kustomize.COMPONENTS.resolve(component));
        var container = named(kustomize.all(CronJob.class), "deadline-guard-sweep").getSpec().getJobTemplate().getSpec()
                .getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(DeploymentTest.IMAGE + ":" + OneVersionTest.POM_VERSION);
        assertThat(container.getArgs()).containsExactly("sweep", "--once", "--sweep-mode=enforce");
    }

    private static CronJobSpec withoutLabels(CronJobSpec spec) {
        CronJobSpec copy = Rendered.YAML.convertValue(Rendered.YAML.valueToTree(spec), CronJobSpec.class);
        copy.getJobTemplate().getSpec().getTemplate().getMetadata().setLabels(null);
        return copy;
    }

    private static <T extends HasMetadata> T named(List<T> objects, String name) {
        return objects.stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
    }

}
