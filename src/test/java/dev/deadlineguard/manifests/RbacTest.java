package dev.deadlineguard.manifests;

import dev.deadlineguard.manifests.Permissions.Permission;
import dev.deadlineguard.manifests.Permissions.Scope;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rendered RBAC grants exactly {@link Permissions}: no wildcard, nothing extra, nothing missing. */
class RbacTest {

    static List<Path> variants() {
        return Kustomize.VARIANTS;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void clusterRoleGrantsExactlyTheClusterWidePermissions(Path dir) {
        ClusterRole role = Rendered.of(dir).one(ClusterRole.class);
        assertThat(role.getAggregationRule()).isNull();
        assertThat(expand(Scope.CLUSTER, role.getRules())).isEqualTo(Permissions.in(Scope.CLUSTER));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void roleGrantsExactlyTheOwnNamespacePermissionsInTheOwnNamespace(Path dir) {
        Rendered r = Rendered.of(dir);
        Role role = r.one(Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(KustomizationsTest.NAMESPACE);
        assertThat(expand(Scope.OWN_NAMESPACE, role.getRules())).isEqualTo(Permissions.in(Scope.OWN_NAMESPACE));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void bothRolesAreBoundToTheServiceAccountAndNothingElse(Path dir) {
        Rendered r = Rendered.of(dir);
        ServiceAccount sa = r.one(ServiceAccount.class);
        ClusterRoleBinding crb = r.one(ClusterRoleBinding.class);
        RoleBinding rb = r.one(RoleBinding.class);

        assertRef(crb.getRoleRef(), "ClusterRole", r.one(ClusterRole.class).getMetadata().getName());
        assertRef(rb.getRoleRef(), "Role", r.one(Role.class).getMetadata().getName());
        assertThat(rb.getMetadata().getNamespace()).isEqualTo(r.one(Role.class).getMetadata().getNamespace());
        for (List<Subject> subjects : List.of(crb.getSubjects(), rb.getSubjects())) {
            assertThat(subjects).singleElement().satisfies(s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
                assertThat(s.getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
                assertThat(s.getApiGroup()).isNullOrEmpty();
            });
        }
    }

    @Test
    void thePermissionsConstantHasNoWildcardAndNoDuplicate() {
        List<Permission> listed = new ArrayList<>();
        Permissions.RULES.forEach(rule -> rule.verbs().forEach(
                v -> listed.add(new Permission(rule.scope(), rule.apiGroup(), rule.resource(), v))));
        assertThat(listed).doesNotHaveDuplicates().hasSameSizeAs(Permissions.all());
        assertThat(Permissions.all()).allSatisfy(p -> {
            assertThat(p.apiGroup()).doesNotContain("*");
            assertThat(p.resource()).doesNotContain("*");
            assertThat(p.verb()).isNotEqualTo("*");
        });
        // The TLS Secret reaches the pod as a volume: deadline-guard never reads Secrets.
        assertThat(Permissions.all()).noneSatisfy(p -> assertThat(p.resource()).isEqualTo("secrets"));
    }

    @Test
    void anExtraVerbOrAWildcardIsCaught() {
        PolicyRule extra = new PolicyRuleBuilder().withApiGroups("apps").withResources("replicasets")
                .withVerbs("get", "list", "watch", "update", "delete").build();
        assertThat(expand(Scope.CLUSTER, List.of(extra))).isNotEqualTo(Permissions.in(Scope.CLUSTER));
        PolicyRule wildcard = new PolicyRuleBuilder().withApiGroups("apps").withResources("*").withVerbs("get").build();
        assertThatThrownBy(() -> expand(Scope.CLUSTER, List.of(wildcard))).isInstanceOf(AssertionError.class);
        PolicyRule named = new PolicyRuleBuilder().withApiGroups("apps").withResources("replicasets")
                .withResourceNames("one").withVerbs("get").build();
        assertThatThrownBy(() -> expand(Scope.CLUSTER, List.of(named))).isInstanceOf(AssertionError.class);
    }

    private static void assertRef(RoleRef ref, String kind, String name) {
        assertThat(ref.getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(ref.getKind()).isEqualTo(kind);
        assertThat(ref.getName()).isEqualTo(name);
    }

    /** Rules as single permissions; a wildcard, resourceNames or nonResourceURLs fail. */
    static Set<Permission> expand(Scope scope, List<PolicyRule> rules) {
        Set<Permission> result = new LinkedHashSet<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
            assertThat(rule.getResourceNames()).as("resourceNames").isNullOrEmpty();
            assertThat(rule.getApiGroups()).isNotEmpty().doesNotContain("*");
            assertThat(rule.getResources()).isNotEmpty().doesNotContain("*").allSatisfy(
                    res -> assertThat(res).as("subresource or wildcard").doesNotContain("/").doesNotContain("*"));
            assertThat(rule.getVerbs()).isNotEmpty().doesNotContain("*").doesNotHaveDuplicates();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        assertThat(result.add(new Permission(scope, group, resource, verb)))
                                .as("granted twice: " + group + "/" + resource + " " + verb).isTrue();
                    }
                }
            }
        }
        return result;
    }
}
