package dev.deadlineguard.admission;

import dev.deadlineguard.policy.DeadlineCase;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.policy.KeyFinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesTest {

    static final String RS = "shop/checkout-6d8f7b9c4d";
    static final String D1 = "2024-08-01T15:13:36Z";

    @Test
    void blankedRepairNamesEverything() {
        KeyFinding f = new KeyFinding("scale-down-deadline", DeadlineCase.BLANKED, DeadlineValue.of(D1), DeadlineValue.of(""));
        assertThat(Messages.repaired(RS, f)).isEqualTo(
                "scale-down-deadline on ReplicaSet shop/checkout-6d8f7b9c4d was blanked (\"2024-08-01T15:13:36Z\" -> \"\"); "
                        + "deadline-guard restored \"2024-08-01T15:13:36Z\"");
        assertThat(Messages.denied(RS, f, 0)).isEqualTo(
                "scale-down-deadline on ReplicaSet shop/checkout-6d8f7b9c4d was blanked (\"2024-08-01T15:13:36Z\" -> \"\"); "
                        + "denied: upgrade Argo Rollouts to v1.7.2 or later (v1.7.0 and v1.7.1 blank it after a 409 conflict)");
        assertThat(Messages.denied(RS, f, 1)).contains("; denied (and 1 more guarded key): upgrade");
        assertThat(Messages.audit("denied", List.of(f))).isEqualTo("denied scale-down-deadline (blanked: \"2024-08-01T15:13:36Z\" -> \"\")");
    }

    @ParameterizedTest
    @EnumSource(value = DeadlineCase.class, names = {"BLANKED", "BLANKED_NO_PRIOR", "INVALID", "INVALID_NO_PRIOR", "DROPPED"})
    void hostileNamesAndValuesStayShortAndPrintable(DeadlineCase c) {
        String longName = "ns-" + "n".repeat(60) + "/" + "rs-" + "x".repeat(250);
        String hostile = "2024\n\u0007\u202e\u0000" + "y".repeat(500);
        String key = "argo-rollouts.argoproj.io/scale-down-deadline";
        KeyFinding f = new KeyFinding(key, c,
                DeadlineValue.of(c == DeadlineCase.BLANKED || c == DeadlineCase.INVALID || c == DeadlineCase.DROPPED ? D1 : hostile),
                DeadlineValue.of(c == DeadlineCase.DROPPED ? null : c.name().startsWith("BLANKED") ? "  " : hostile));
        for (String message : List.of(Messages.repaired(longName, f), Messages.denied(longName, f, 1), Messages.wouldDeny(longName, f))) {
            assertThat(message.length()).isLessThanOrEqualTo(255);
            assertThat(message.codePoints().filter(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT)).isEmpty();
            assertThat(message).contains(key).contains("ReplicaSet ns-");
        }
        assertThat(Messages.denied(longName, f, 0)).contains("upgrade Argo Rollouts to v1.7.2");
        assertThat(Messages.denied(RS, f, 0)).contains(RS);
    }

    @Test
    void clipEscapesControlCharactersAndCuts() {
        assertThat(Messages.clip("a\nb\u202ec", 100)).isEqualTo("a\\u000ab\\u202ec");
        assertThat(Messages.clip("abcdefghij", 8)).isEqualTo("abcde...");
        assertThat(Messages.clip(null, 8)).isEmpty();
    }

    /** Long names shrink, then the prose; the old and new values and the key stay whole (the complaint). */
    @Test
    void longNamesShortenNamesAndProseButNeverTheValues() {
        String ns = "payments-" + "p".repeat(40);
        String rs = ns + "/checkout-api-" + "c".repeat(60) + "-6d8f7b9c4d";
        String key = "argo-rollouts.argoproj.io/scale-down-deadline";
        KeyFinding blanked = new KeyFinding(key, DeadlineCase.BLANKED, DeadlineValue.of(D1), DeadlineValue.of(""));
        KeyFinding invalid = new KeyFinding(key, DeadlineCase.INVALID, DeadlineValue.of(D1), DeadlineValue.of("2024-08-01 15:13:36"));

        assertThat(Messages.wouldDeny(rs, blanked)).isEqualTo(
                "argo-rollouts.argoproj.io/scale-down-deadline on ReplicaSet payme.../checkout-api-ccccccccccccccc... was blanked (\"2024-08-01T15:13:36Z\" -> \"\"); "
                        + "deadline-guard would deny this in enforce mode: upgrade Argo Rollouts to v1.7.2 or later");
        assertThat(Messages.wouldDeny(rs, invalid)).isEqualTo(
                "argo-rollouts.argoproj.io/scale-down-deadline on ReplicaSet payme.../checkout-api-ccccccccccccccc... invalid (\"2024-08-01T15:13:36Z\" -> \"2024-08-01 15:13:36\"); "
                        + "enforce mode would deny it: write RFC 3339 or upgrade Argo Rollouts to v1.7.2+");
        assertThat(Messages.denied(rs, invalid, 2)).isEqualTo(
                "argo-rollouts.argoproj.io/scale-down-deadline on ReplicaSet payme.../checkout-api-ccccccccccccccc... invalid (\"2024-08-01T15:13:36Z\" -> \"2024-08-01 15:13:36\"); "
                        + "denied (+2 more): write RFC 3339 or upgrade Argo Rollouts to v1.7.2+");
        assertThat(Messages.repaired(rs, invalid)).isEqualTo(
                "argo-rollouts.argoproj.io/scale-down-deadline on ReplicaSet payme.../checkout-api-ccccccccccccccccccccccccccccccccccccccc... was set to non-RFC 3339 (\"2024-08-01T15:13:36Z\" -> \"2024-08-01 15:13:36\"); "
                        + "deadline-guard restored \"2024-08-01T15:13:36Z\"");
    }
}
