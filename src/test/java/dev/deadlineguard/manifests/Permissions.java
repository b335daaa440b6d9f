package dev.deadlineguard.manifests;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one list of what deadline-guard may do in the API, and the only place to change it. The
 * rendered ClusterRole and Role must grant exactly this (no more, no less, no wildcards); the code
 * must make no call outside it. Each entry names who needs it.
 */
public final class Permissions {

    /** Where a grant applies: everywhere (ClusterRole) or only in deadline-guard's own namespace (Role). */
    public enum Scope { CLUSTER, OWN_NAMESPACE }

    /** One API group + resource and the verbs on it. The core group is {@code ""}. */
    public record Rule(Scope scope, String apiGroup, String resource, List<String> verbs) {
    }

    /** One verb on one resource: the unit compared against the manifests (and the code's calls). */
    public record Permission(Scope scope, String apiGroup, String resource, String verb) {
    }

    public static final List<Rule> RULES = List.of(
            // sweeper: informers on guarded ReplicaSets; scale-down / deadline repair as a JSON Patch guarded by
            // resourceVersion; get for the re-read after a 409
            new Rule(Scope.CLUSTER, "apps", "replicasets", List.of("get", "list", "watch", "patch")),
            // sweeper: the owning Rollout's status (stableRS, currentPodHash, selectors, canary weights)
            new Rule(Scope.CLUSTER, "argoproj.io", "rollouts", List.of("list", "watch")),
            // sweeper and admission: an Event on the ReplicaSet for every action; a repeat raises the count of
            // the Event already written (patch), as client-go's event correlator does
            new Rule(Scope.CLUSTER, "", "events", List.of("create", "patch")),
            // policy reports (wgpolicyk8s.io PolicyReport and OpenReports Report), one per namespace
            // (read, created, updated only when the content changed, deleted with the namespace's last ReplicaSet)
            new Rule(Scope.CLUSTER, "wgpolicyk8s.io", "policyreports", List.of("get", "create", "update", "delete")),
            new Rule(Scope.CLUSTER, "openreports.io", "reports", List.of("get", "create", "update", "delete")),
            // leader election (one sweeper among the replicas): a Lease in the product's own namespace;
            // fabric8's LeaseLock reads it, creates it once and renews it with a patch
            new Rule(Scope.OWN_NAMESPACE, "coordination.k8s.io", "leases", List.of("get", "create", "patch")));

    private Permissions() {
    }

    /** {@link #RULES} one verb at a time. */
    public static Set<Permission> all() {
        Set<Permission> all = new LinkedHashSet<>();
        for (Rule rule : RULES) {
            for (String verb : rule.verbs()) {
                all.add(new Permission(rule.scope(), rule.apiGroup(), rule.resource(), verb));
            }
        }
        return all;
    }

    public static Set<Permission> in(Scope scope) {
        Set<Permission> result = new LinkedHashSet<>();
        all().stream().filter(p -> p.scope() == scope).forEach(result::add);
        return result;
    }
}
