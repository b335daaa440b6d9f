package dev.deadlineguard.policy;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.core.TestReplicaSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlinePolicyTest {

    static final String ARGO = GuardConfig.DEFAULT_CONTROLLER;
    static final String ADMIN = "kubernetes-admin";
    static final String D1 = "2024-08-01T15:13:36Z";
    static final String D2 = "2024-08-01T15:14:06Z";
    static final String ABSENT = null;

    /** Every row of the SPEC §3 decision table: old, new, new replicas, user, expected case. */
    static Stream<Arguments> decisionTable() {
        return Stream.of(
                Arguments.of(D1, D1, 3, ARGO, DeadlineCase.VALID),
                Arguments.of(ABSENT, D1, 3, ARGO, DeadlineCase.VALID),
                Arguments.of(D1, D2, 3, ADMIN, DeadlineCase.VALID),
                Arguments.of("", D1, 3, ARGO, DeadlineCase.VALID),
                Arguments.of("garbage", D1, 3, ARGO, DeadlineCase.VALID),
                Arguments.of(D1, "", 3, ARGO, DeadlineCase.BLANKED),
                Arguments.of(D1, "   ", 3, ARGO, DeadlineCase.BLANKED),
                Arguments.of(D1, "", 0, ARGO, DeadlineCase.BLANKED),
                Arguments.of(ABSENT, "", 3, ARGO, DeadlineCase.BLANKED_NO_PRIOR),
                Arguments.of(" ", "", 3, ARGO, DeadlineCase.BLANKED_NO_PRIOR),
                Arguments.of("garbage", "", 3, ARGO, DeadlineCase.BLANKED_NO_PRIOR),
                Arguments.of(D1, "2024-08-01 15:13:36", 3, ADMIN, DeadlineCase.INVALID),
                Arguments.of(ABSENT, "tomorrow", 3, ADMIN, DeadlineCase.INVALID_NO_PRIOR),
                Arguments.of("", "tomorrow", 3, ADMIN, DeadlineCase.INVALID_NO_PRIOR),
                Arguments.of("garbage", "tomorrow", 3, ADMIN, DeadlineCase.INVALID_NO_PRIOR),
                Arguments.of(D1, ABSENT, 0, ARGO, DeadlineCase.DROPPED_SCALE_DOWN),
                Arguments.of(D1, ABSENT, 0, ADMIN, DeadlineCase.DROPPED_SCALE_DOWN),
                Arguments.of(D1, ABSENT, 3, ARGO, DeadlineCase.DROPPED_BY_CONTROLLER),
                Arguments.of(D1, ABSENT, 3, ADMIN, DeadlineCase.DROPPED),
                Arguments.of(D1, ABSENT, 1, null, DeadlineCase.DROPPED),
                Arguments.of("", ABSENT, 3, ADMIN, DeadlineCase.BROKEN_REMOVED),
                Arguments.of("garbage", ABSENT, 3, ADMIN, DeadlineCase.BROKEN_REMOVED),
                Arguments.of(ABSENT, ABSENT, 3, ADMIN, DeadlineCase.ABSENT));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}, replicas {2}, {3}: {4}")
    @MethodSource("decisionTable")
    void everyRowForBothKeys(String before, String after, int replicas, String user, DeadlineCase expected) {
        for (String key : List.of(GuardConfig.CONTROLLER_KEY, GuardConfig.DOCUMENTED_KEY)) {
            Decision decision = DeadlinePolicy.decide(update(key, before, after, replicas, user), GuardConfig.defaults());

            assertThat(decision.scope()).isEqualTo(Decision.Scope.JUDGED);
            assertThat(decision.findings()).hasSize(2);
            KeyFinding finding = decision.findings().stream().filter(f -> f.key().equals(key)).findFirst().orElseThrow();
            assertThat(finding.deadlineCase()).isEqualTo(expected);
            assertThat(finding.oldValue()).isEqualTo(DeadlineValue.of(before));
            assertThat(finding.newValue()).isEqualTo(DeadlineValue.of(after));
            KeyFinding other = decision.findings().stream().filter(f -> !f.key().equals(key)).findFirst().orElseThrow();
            assertThat(other.deadlineCase()).isEqualTo(DeadlineCase.ABSENT);
            assertThat(decision.hasViolations()).isEqualTo(expected.isViolation());
        }
    }

    @Test
    void remediesFollowTheTable() {
        assertThat(DeadlineCase.BLANKED.remedy()).isEqualTo(Remedy.RESTORE);
        assertThat(DeadlineCase.INVALID.remedy()).isEqualTo(Remedy.RESTORE);
        assertThat(DeadlineCase.DROPPED.remedy()).isEqualTo(Remedy.RESTORE);
        assertThat(DeadlineCase.BLANKED_NO_PRIOR.remedy()).isEqualTo(Remedy.REMOVE);
        assertThat(DeadlineCase.INVALID_NO_PRIOR.remedy()).isEqualTo(Remedy.REMOVE);
        assertThat(Stream.of(DeadlineCase.VALID, DeadlineCase.ABSENT, DeadlineCase.DROPPED_SCALE_DOWN,
                DeadlineCase.DROPPED_BY_CONTROLLER, DeadlineCase.BROKEN_REMOVED).map(DeadlineCase::remedy))
                .containsOnly(Remedy.NONE);
    }

    @Test
    void controllerIdentityIsConfigurable() {
        GuardConfig config = new GuardConfig(List.of(GuardConfig.CONTROLLER_KEY), Set.of("system:serviceaccount:ops:rollouts"),
                ValidateMode.ENFORCE, Set.of());
        assertThat(DeadlinePolicy.decide(update(GuardConfig.CONTROLLER_KEY, D1, ABSENT, 3, ARGO), config)
                .findings().get(0).deadlineCase()).isEqualTo(DeadlineCase.DROPPED);
        assertThat(DeadlinePolicy.decide(update(GuardConfig.CONTROLLER_KEY, D1, ABSENT, 3, "system:serviceaccount:ops:rollouts"), config)
                .findings().get(0).deadlineCase()).isEqualTo(DeadlineCase.DROPPED_BY_CONTROLLER);
    }

    @Test
    void onlyConfiguredKeysAreGuarded() {
        GuardConfig config = new GuardConfig(List.of("example.com/deadline"), Set.of(ARGO), ValidateMode.ENFORCE, Set.of());
        Decision decision = DeadlinePolicy.decide(update(GuardConfig.CONTROLLER_KEY, D1, "", 3, ARGO), config);
        assertThat(decision.findings()).extracting(KeyFinding::key).containsExactly("example.com/deadline");
        assertThat(decision.hasViolations()).isFalse();
        assertThat(DeadlinePolicy.decide(update("example.com/deadline", D1, "", 3, ARGO), config).violations())
                .extracting(KeyFinding::deadlineCase).containsExactly(DeadlineCase.BLANKED);
    }

    @Test
    void bothKeysBrokenAtOnceGiveTwoViolationsInKeyOrder() {
        ArgoReplicaSet before = rs(Map.of(GuardConfig.CONTROLLER_KEY, D1, GuardConfig.DOCUMENTED_KEY, D1), 3, true, true);
        ArgoReplicaSet after = rs(Map.of(GuardConfig.CONTROLLER_KEY, "", GuardConfig.DOCUMENTED_KEY, "x"), 3, true, true);
        Decision decision = DeadlinePolicy.decide(input("apps", "v1", "replicasets", "", "UPDATE", "shop", ARGO, before, after),
                GuardConfig.defaults());
        assertThat(decision.violations()).extracting(KeyFinding::deadlineCase)
                .containsExactly(DeadlineCase.BLANKED, DeadlineCase.INVALID);
        assertThat(decision.caseLabel()).isEqualTo("blanked");
    }

    @Test
    void guardedByOwnerReferenceOrLabelOnEitherSide() {
        Map<String, String> blankedAfter = Map.of(GuardConfig.CONTROLLER_KEY, "");
        Map<String, String> validBefore = Map.of(GuardConfig.CONTROLLER_KEY, D1);
        for (boolean owner : new boolean[] {true, false}) {
            for (boolean label : new boolean[] {true, false}) {
                Decision decision = DeadlinePolicy.decide(input("apps", "v1", "replicasets", null, "UPDATE", "shop", ARGO,
                        rs(validBefore, 3, owner, label), rs(blankedAfter, 3, owner, label)), GuardConfig.defaults());
                assertThat(decision.scope()).isEqualTo(owner || label ? Decision.Scope.JUDGED : Decision.Scope.NOT_GUARDED);
            }
        }
        Decision labelOnlyBefore = DeadlinePolicy.decide(input("apps", "v1", "replicasets", null, "UPDATE", "shop", ARGO,
                rs(validBefore, 3, false, true), rs(blankedAfter, 3, false, false)), GuardConfig.defaults());
        assertThat(labelOnlyBefore.violations()).hasSize(1);
    }

    @Test
    void outOfScopeRequestsAreNotJudged() {
        ArgoReplicaSet before = rs(Map.of(GuardConfig.CONTROLLER_KEY, D1), 3, true, true);
        ArgoReplicaSet after = rs(Map.of(GuardConfig.CONTROLLER_KEY, ""), 3, true, true);
        for (AdmissionInput input : List.of(
                input("apps", "v1", "replicasets", "scale", "UPDATE", "shop", ARGO, before, after),
                input("apps", "v1", "replicasets", "status", "UPDATE", "shop", ARGO, before, after),
                input("apps", "v1", "replicasets", null, "CREATE", "shop", ARGO, before, after),
                input("apps", "v1", "replicasets", null, "DELETE", "shop", ARGO, before, after),
                input("apps", "v1", "deployments", null, "UPDATE", "shop", ARGO, before, after),
                input("extensions", "v1beta1", "replicasets", null, "UPDATE", "shop", ARGO, before, after),
                input("apps", "v1", "replicasets", null, "UPDATE", "shop", ARGO, null, after))) {
            Decision decision = DeadlinePolicy.decide(input, GuardConfig.defaults());
            assertThat(decision.scope()).isEqualTo(Decision.Scope.OUT_OF_SCOPE);
            assertThat(decision.caseLabel()).isEqualTo("out_of_scope");
            assertThat(decision.findings()).isEmpty();
        }
    }

    @Test
    void exemptNamespacesAreNotJudged() {
        GuardConfig config = new GuardConfig(GuardConfig.defaults().guardedKeys(), Set.of(ARGO), ValidateMode.ENFORCE,
                Set.of("kube-system", "shop"));
        Decision decision = DeadlinePolicy.decide(update(GuardConfig.CONTROLLER_KEY, D1, "", 3, ARGO), config);
        assertThat(decision.scope()).isEqualTo(Decision.Scope.EXEMPT);
        assertThat(decision.caseLabel()).isEqualTo("exempt");
    }

    @Test
    void configRejectsNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new GuardConfig(List.of(), Set.of(), ValidateMode.ENFORCE, Set.of()))
                .hasMessage("at least one guarded annotation key is required");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new GuardConfig(List.of("a", "a"), Set.of(), ValidateMode.ENFORCE, Set.of()))
                .hasMessage("guarded annotation keys must be distinct: [a, a]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new GuardConfig(List.of(" a"), Set.of(), ValidateMode.ENFORCE, Set.of()))
                .hasMessage("not a valid annotation key: ' a'");
    }

    static AdmissionInput update(String key, String before, String after, int newReplicas, String user) {
        Map<String, String> oldAnnotations = new HashMap<>(Map.of("rollout.argoproj.io/revision", "3"));
        Map<String, String> newAnnotations = new HashMap<>(oldAnnotations);
        if (before != null) {
            oldAnnotations.put(key, before);
        }
        if (after != null) {
            newAnnotations.put(key, after);
        }
        return input("apps", "v1", "replicasets", "", "UPDATE", "shop", user,
                rs(oldAnnotations, 3, true, true), rs(newAnnotations, newReplicas, true, true));
    }

    static AdmissionInput input(String group, String version, String resource, String sub, String op, String ns,
                                String user, ArgoReplicaSet before, ArgoReplicaSet after) {
        return new AdmissionInput(group, version, resource, sub, op, ns, "checkout-6d8f7b9c4d", user, false, before, after);
    }

    static ArgoReplicaSet rs(Map<String, String> annotations, int replicas, boolean owner, boolean label) {
        return TestReplicaSets.replicaSet("shop", "checkout-6d8f7b9c4d", label ? "6d8f7b9c4d" : null, annotations, replicas,
                -1, owner ? TestReplicaSets.rollout("checkout") : null, false);
    }
}
