package dev.deadlineguard.policy;

import java.util.List;

/**
 * The outcome of judging one admission request.
 *
 * @param scope    why the request was (not) judged
 * @param findings one finding per guarded key, in the configured key order; empty unless judged
 */
public record Decision(Scope scope, List<KeyFinding> findings) {

    public enum Scope {
        /** Not an update of the main apps/v1 replicasets resource. */
        OUT_OF_SCOPE,
        /** In an exempt namespace. */
        EXEMPT,
        /** A ReplicaSet that Argo Rollouts does not manage. */
        NOT_GUARDED,
        /** Judged: see the findings. */
        JUDGED
    }

    public Decision {
        findings = List.copyOf(findings);
    }

    public static Decision notJudged(Scope scope) {
        return new Decision(scope, List.of());
    }

    public List<KeyFinding> violations() {
        return findings.stream().filter(KeyFinding::isViolation).toList();
    }

    public boolean hasViolations() {
        return findings.stream().anyMatch(KeyFinding::isViolation);
    }

    /**
     * One label that summarizes the decision for metrics: the scope when not judged, else the case of
     * the first violation, else the first key's case that is not {@code absent}, else {@code absent}.
     */
    public String caseLabel() {
        if (scope != Scope.JUDGED) {
            return scope.name().toLowerCase(java.util.Locale.ROOT);
        }
        return findings.stream().filter(KeyFinding::isViolation).findFirst()
                .or(() -> findings.stream().filter(f -> f.deadlineCase() != DeadlineCase.ABSENT).findFirst())
                .map(f -> f.deadlineCase().label())
                .orElse(DeadlineCase.ABSENT.label());
    }
}
