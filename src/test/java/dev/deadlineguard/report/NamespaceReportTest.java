package dev.deadlineguard.report;

import dev.deadlineguard.core.TestReplicaSets;
import dev.deadlineguard.sweep.SkipReason;
import dev.deadlineguard.sweep.SweepDecision;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceReportTest {

    static final Instant NOW = Instant.parse("2024-08-01T16:00:00Z");

    static List<Finding> findings(String ns, String name, String deadline) {
        return DeadlineRules.evaluate(TestReplicaSets.replicaSet(ns, name, "h", deadline == null ? Map.of()
                : Map.of("scale-down-deadline", deadline), 3, 1, TestReplicaSets.rollout("r"), false),
                deadline == null ? new SweepDecision.Skip(SkipReason.NO_DEADLINE)
                        : deadline.isBlank() ? new SweepDecision.Repair("scale-down-deadline", deadline, "2024-08-01T16:00:30Z", 3)
                        : new SweepDecision.ScaleDown("scale-down-deadline", deadline, 3),
                NOW, Duration.ofSeconds(30), List.of("scale-down-deadline"), false);
    }

    @Test
    void oneReportPerNamespaceWithSummariesThatCountTheResults() {
        List<Finding> all = new ArrayList<>();
        all.addAll(findings("shop", "b", ""));
        all.addAll(findings("shop", "a", "2024-08-01T15:00:00Z"));
        all.addAll(findings("search", "c", null));
        var reports = NamespaceReport.build(all, 1000);

        assertThat(reports.keySet()).containsExactly("search", "shop");
        NamespaceReport shop = reports.get("shop");
        assertThat(shop.results()).extracting(f -> f.name() + ":" + f.rule().wire())
                .containsExactly("a:deadline-well-formed", "a:deadline-honoured", "b:deadline-well-formed", "b:deadline-honoured");
        assertThat(shop.summary()).isEqualTo(new Summary(1, 2, 0, 0, 1));
        assertThat(shop.summary().total()).isEqualTo(shop.results().size());
        assertThat(shop.replicaSets()).isEqualTo(2);
        assertThat(reports.get("search").summary()).isEqualTo(new Summary(1, 0, 0, 0, 1));
        assertThat(NamespaceReport.build(all, 1000)).isEqualTo(reports);
    }

    @Test
    void theCapKeepsFailuresAndTheSummaryCountsEverything() {
        List<Finding> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.addAll(findings("shop", String.format("ok-%02d", i), null));
        }
        all.addAll(findings("shop", "zz-broken", ""));
        NamespaceReport report = NamespaceReport.build(all, 10).get("shop");

        assertThat(report.results()).hasSize(10);
        assertThat(report.truncated()).isTrue();
        assertThat(report.total()).isEqualTo(102);
        assertThat(report.summary()).isEqualTo(new Summary(50, 1, 0, 0, 51));
        assertThat(report.results()).extracting(Finding::name).contains("zz-broken");
        assertThat(ReportFormat.WGPOLICY.render(report).at("/metadata/annotations/deadline-guard.dev~1truncated").asText())
                .isEqualTo("10 of 102 results shown; the summary counts all");
    }
}
