package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.TestReplicaSets;
import dev.deadlineguard.sweep.SkipReason;
import dev.deadlineguard.sweep.SweepDecision;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report writer's packed results make again exactly the findings the rules made. */
class KeptResultsTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00.123456789Z");
    static final Duration GRACE = Duration.ofSeconds(30);
    static final String ALIAS = ArgoReplicaSet.DOCUMENTED_KEY;
    static final List<String> KEYS = List.of(ArgoReplicaSet.DEADLINE_KEY, ALIAS);
    static final String UUID = "6e46f4c6-95f8-459b-81ab-08c62cb281b5";

    static ArgoReplicaSet rs(String uid, Map<String, String> annotations, int replicas, long revision) {
        Map<String, String> all = new HashMap<>(annotations);
        if (revision >= 0) {
            all.put(ArgoReplicaSet.REVISION_ANNOTATION, Long.toString(revision));
        }
        return new ArgoReplicaSet("shop", "checkout-6d4f8b9c7", uid, "100", Map.of(ArgoReplicaSet.HASH_LABEL, "6d4f8b9c7"),
                all, replicas, TestReplicaSets.rollout("checkout"), false);
    }

    static Map<String, String> deadline(String value) {
        return Map.of(ArgoReplicaSet.DEADLINE_KEY, value);
    }

    /** Packs the findings of one decision and makes them again, with the two results reached at different times. */
    static void assertMadeAgain(ArgoReplicaSet rs, SweepDecision decision) {
        List<Finding> fresh = DeadlineRules.evaluate(rs, decision, NOW, GRACE, KEYS, false);
        List<Finding> reached = List.of(fresh.get(0).at(NOW.minusSeconds(7).plusNanos(11)), fresh.get(1));
        DeadlineRules.Subject subject = DeadlineRules.Subject.of(rs, KEYS);
        SweepDecision reported = KeptResults.reported(decision);
        KeptResults kept = KeptResults.of(subject, reported, GRACE, reached);

        assertThat(kept.findings(rs.namespace(), rs.name(), GRACE)).as("%s", decision).isEqualTo(reached);
        assertThat(kept.result(ReportRule.WELL_FORMED)).isEqualTo(fresh.get(0).result());
        assertThat(kept.result(ReportRule.HONOURED)).isEqualTo(fresh.get(1).result());
        assertThat(kept.sameAs(subject, reported, GRACE, fresh.get(0).result(), fresh.get(1).result())).isTrue();
    }

    @Test
    void everyShapeOfInputIsMadeAgainExactly() {
        Instant due = Instant.parse("2024-08-01T16:10:00Z").plus(GRACE);
        // packed: canonical uid, the deadline as Argo writes it, waiting for it plus grace
        assertMadeAgain(rs(UUID, deadline("2024-08-01T16:10:00Z"), 3, 2), new SweepDecision.Wait(due));
        // kept as text: uid not canonical or absent, a deadline with a fraction or an offset, a wait for another time
        assertMadeAgain(rs(UUID.toUpperCase(), deadline("2024-08-01T16:10:00Z"), 3, 2), new SweepDecision.Wait(due.plusSeconds(1)));
        assertMadeAgain(rs(null, deadline("2024-08-01T16:10:00.5Z"), 3, 2),
                new SweepDecision.Wait(Instant.parse("2024-08-01T16:10:00.5Z").plus(GRACE)));
        assertMadeAgain(rs("uid-1", deadline("2024-08-01T18:10:00+02:00"), 3, -1), new SweepDecision.Skip(SkipReason.UNKNOWN_REVISION));
        // overdue, in each mode
        assertMadeAgain(rs(UUID, deadline("2024-08-01T15:00:00Z"), 3, 2),
                new SweepDecision.ScaleDown(ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T15:00:00Z", 3));
        assertMadeAgain(rs(UUID, deadline("2024-08-01T15:00:00Z"), 3, 2), new SweepDecision.Report(
                SweepDecision.Problem.OVERDUE, ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T15:00:00Z", 3));
        // broken deadlines: the repair's fresh value is not read by the rules, nor kept
        assertMadeAgain(rs(UUID, deadline(""), 3, 2), new SweepDecision.Repair(ArgoReplicaSet.DEADLINE_KEY, "", "2024-08-01T16:00:30Z", 3));
        assertMadeAgain(rs(UUID, deadline("soon"), 3, 2), new SweepDecision.Report(SweepDecision.Problem.STUCK,
                ArgoReplicaSet.DEADLINE_KEY, "soon", 3));
        // a broken alias while the deadline is fine, and while there is none
        assertMadeAgain(rs(UUID, Map.of(ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T16:10:00Z", ALIAS, " "), 3, 2),
                new SweepDecision.Wait(due));
        assertMadeAgain(rs(UUID, Map.of(ALIAS, "tomorrow"), 3, 2), new SweepDecision.Skip(SkipReason.NO_DEADLINE));
        // skips: shared without detail, kept with it, the retry time dropped
        assertMadeAgain(rs(UUID, deadline("2024-08-01T15:00:00Z"), 3, 2),
                new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE, NOW.plusSeconds(30), null));
        assertMadeAgain(rs(UUID, deadline("2024-08-01T15:00:00Z"), 3, 9),
                new SweepDecision.Skip(SkipReason.NEWEST_REVISION, NOW.plusSeconds(30), "revision 9"));
        assertMadeAgain(rs(UUID, deadline("2024-08-01T15:00:00Z"), 0, 2), new SweepDecision.Skip(SkipReason.ALREADY_SCALED_DOWN));
    }

    @Test
    void whatTheRulesDoNotReadIsNotKept() {
        assertThat(KeptResults.reported(new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE, NOW, null)))
                .isSameAs(KeptResults.reported(new SweepDecision.Skip(SkipReason.ROLLOUT_STATUS_STALE)));
        assertThat(KeptResults.reported(new SweepDecision.Skip(SkipReason.REFERENCED_BY_ROLLOUT, NOW, "stable")))
                .isEqualTo(new SweepDecision.Skip(SkipReason.REFERENCED_BY_ROLLOUT, null, "stable"));
        assertThat(KeptResults.reported(new SweepDecision.Repair("k", "", "2024-08-01T16:00:30Z", 3)))
                .isEqualTo(new SweepDecision.Repair("k", "", null, 3));
    }

    @Test
    void anyInputOrResultThatDiffersIsNotTheSame() {
        ArgoReplicaSet rs = rs(UUID, deadline("2024-08-01T16:10:00Z"), 3, 2);
        SweepDecision wait = new SweepDecision.Wait(Instant.parse("2024-08-01T16:10:30Z"));
        List<Finding> fresh = DeadlineRules.evaluate(rs, wait, NOW, GRACE, KEYS, false);
        KeptResults kept = KeptResults.of(DeadlineRules.Subject.of(rs, KEYS), wait, GRACE, fresh);
        ResultValue wf = fresh.get(0).result();
        ResultValue hon = fresh.get(1).result();

        for (ArgoReplicaSet other : List.of(rs(UUID.replace('6', '7'), deadline("2024-08-01T16:10:00Z"), 3, 2),
                rs(UUID, deadline("2024-08-01T16:10:01Z"), 3, 2), rs(UUID, deadline("2024-08-01T16:10:00Z"), 4, 2),
                rs(UUID, deadline("2024-08-01T16:10:00Z"), 3, 3),
                rs(UUID, Map.of(ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T16:10:00Z", ALIAS, ""), 3, 2))) {
            assertThat(kept.sameAs(DeadlineRules.Subject.of(other, KEYS), wait, GRACE, wf, hon)).as("%s", other).isFalse();
        }
        DeadlineRules.Subject same = DeadlineRules.Subject.of(rs, KEYS);
        assertThat(kept.sameAs(same, new SweepDecision.Wait(Instant.parse("2024-08-01T16:10:31Z")), GRACE, wf, hon)).isFalse();
        assertThat(kept.sameAs(same, wait, GRACE, wf, ResultValue.FAIL)).isFalse();
        assertThat(kept.sameAs(same, wait, GRACE, ResultValue.FAIL, hon)).isFalse();
        assertThat(kept.sameAs(same, wait, GRACE, wf, hon)).isTrue();
    }

    static ReportWriter writer(int cap) {
        return new ReportWriter(null, List.of(), GRACE, KEYS, cap, new PrometheusRegistry(), () -> 0);
    }

    @Test
    void aResultThatStaysKeepsItsTimeWhenTheOtherChanges() {
        ReportWriter writer = writer(1000);
        ArgoReplicaSet before = rs(UUID, deadline("2024-08-01T16:10:00Z"), 3, 2);
        ArgoReplicaSet after = rs(UUID, Map.of(ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T16:10:00Z", ALIAS, "later"), 3, 2);
        SweepDecision wait = new SweepDecision.Wait(Instant.parse("2024-08-01T16:10:30Z"));
        Instant later = NOW.plusSeconds(60);
        writer.decided(before, wait, NOW);
        writer.decided(after, wait, later);

        List<Finding> expected = List.of(DeadlineRules.evaluate(after, wait, later, GRACE, KEYS, false).get(0),
                DeadlineRules.evaluate(before, wait, NOW, GRACE, KEYS, false).get(1));
        assertThat(expected.get(0).result()).isEqualTo(ResultValue.FAIL);
        assertThat(writer.report("shop").results()).isEqualTo(expected);

        // the deadline passes: a new decision, so both messages change (each ends with the decision) and both times
        Instant past = Instant.parse("2024-08-01T16:11:00Z");
        SweepDecision scaleDown = new SweepDecision.ScaleDown(ArgoReplicaSet.DEADLINE_KEY, "2024-08-01T16:10:00Z", 3);
        writer.decided(after, scaleDown, past);
        assertThat(writer.report("shop").results()).isEqualTo(DeadlineRules.evaluate(after, scaleDown, past, GRACE, KEYS, false));
        // decided again later with the same outcome: nothing changes, not even the times
        writer.decided(after, scaleDown, past.plusSeconds(5));
        assertThat(writer.report("shop").results()).isEqualTo(DeadlineRules.evaluate(after, scaleDown, past, GRACE, KEYS, false));
    }

    @Test
    void aCappedReportFromKeptResultsIsTheReportOfAllFindings() {
        ReportWriter writer = writer(7);
        List<Finding> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String deadline = i % 5 == 0 ? "" : i % 7 == 0 ? "2024-08-01T15:00:00Z" : i % 2 == 0 ? "2024-08-01T16:10:00Z" : null;
            ArgoReplicaSet rs = TestReplicaSets.replicaSet("shop", String.format("rs-%02d", 29 - i), "h" + i,
                    deadline == null ? Map.of() : deadline(deadline), 3, i, TestReplicaSets.rollout("checkout"), false);
            SweepDecision decision = deadline == null ? new SweepDecision.Skip(SkipReason.NO_DEADLINE)
                    : deadline.isEmpty() ? new SweepDecision.Repair(ArgoReplicaSet.DEADLINE_KEY, "", "2024-08-01T16:00:30Z", 3)
                    : deadline.startsWith("2024-08-01T15") ? new SweepDecision.ScaleDown(ArgoReplicaSet.DEADLINE_KEY, deadline, 3)
                    : new SweepDecision.Wait(Instant.parse(deadline).plus(GRACE));
            Instant at = NOW.plusMillis(i);
            writer.decided(rs, decision, at);
            all.addAll(DeadlineRules.evaluate(rs, decision, at, GRACE, KEYS, false));
        }
        NamespaceReport expected = NamespaceReport.build(all, 7).get("shop");
        assertThat(expected.truncated()).isTrue();
        assertThat(writer.report("shop")).isEqualTo(expected);
        assertThat(ReportFormat.WGPOLICY.render(writer.report("shop"))).isEqualTo(ReportFormat.WGPOLICY.render(expected));
        assertThat(writer.report("elsewhere")).isNull();
    }
}
