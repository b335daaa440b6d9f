package dev.deadlineguard.metrics;

import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.sweep.SkipReason;
import dev.deadlineguard.testing.TestCertificates;
import dev.deadlineguard.version.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The series alert rules and the dashboard read exist, at 0, in a registry nothing has happened to yet. */
class MetricsFromStartTest {

    private static String scrape(MetricsRegistry metrics) {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    @Test
    void buildInfoCarriesThePomVersion() {
        assertThat(scrape(new MetricsRegistry(false)))
                .contains("# TYPE deadline_guard_build_info gauge\n")
                .contains("deadline_guard_build_info{version=\"" + Version.current() + "\"} 1\n");
    }

    @Test
    void admissionSeriesExistBeforeTheFirstReview() {
        String text = scrape(new MetricsRegistry(false));
        assertThat(text)
                .contains("deadline_guard_admission_reviews_total{action=\"fail_open\",case=\"error\",endpoint=\"mutate\"} 0.0\n")
                .contains("deadline_guard_admission_reviews_total{action=\"patch\",case=\"blanked\",endpoint=\"mutate\"} 0.0\n")
                .contains("deadline_guard_admission_reviews_total{action=\"deny\",case=\"dropped\",endpoint=\"validate\"} 0.0\n")
                .contains("deadline_guard_admission_reviews_total{action=\"warn\",case=\"invalid\",endpoint=\"validate\"} 0.0\n")
                .contains("deadline_guard_admission_reviews_total{action=\"allow\",case=\"not_guarded\",endpoint=\"mutate\"} 0.0\n")
                .contains("deadline_guard_admission_rejected_requests_total{code=\"405\",endpoint=\"validate\"} 0.0\n")
                .contains("deadline_guard_admission_review_duration_seconds_bucket{endpoint=\"mutate\",le=\"2.5\"} 0\n")
                .contains("deadline_guard_admission_review_duration_seconds_count{endpoint=\"validate\"} 0\n")
                // a mutating webhook never denies: no series that can never move
                .doesNotContain("action=\"deny\",case=\"blanked\",endpoint=\"mutate\"");
        assertThat(AdmissionMetrics.ENDPOINTS)
                .containsExactlyElementsOf(Arrays.stream(Endpoint.values()).map(Endpoint::label).toList());
    }

    @Test
    void sweeperSeriesExistBeforeTheFirstSweep() {
        String text = scrape(new MetricsRegistry(false));
        assertThat(text)
                .contains("deadline_guard_sweeper_connected 0.0\n")
                .contains("deadline_guard_sweeper_leader 0.0\n")
                .contains("deadline_guard_sweeper_informers_synced 0.0\n")
                .contains("deadline_guard_sweeper_actions_total{action=\"scale_down\",result=\"failed\"} 0.0\n")
                .contains("deadline_guard_sweeper_reported_total{problem=\"overdue\"} 0.0\n")
                .contains("deadline_guard_sweeper_skipped_total{reason=\"rollout_status_stale\"} 0.0\n")
                .contains("deadline_guard_sweeper_errors_total{operation=\"patch\"} 0.0\n");
        assertThat(SweepMetrics.SKIP_REASONS)
                .containsExactlyElementsOf(Arrays.stream(SkipReason.values()).map(SkipReason::label).toList());
    }

    @Test
    void connectedFollowsTheSetter() {
        MetricsRegistry metrics = new MetricsRegistry(false);
        metrics.sweep().connected(true);
        assertThat(scrape(metrics)).contains("deadline_guard_sweeper_connected 1.0\n");
        metrics.sweep().connected(false);
        assertThat(scrape(metrics)).contains("deadline_guard_sweeper_connected 0.0\n");
    }

    @Test
    void theFirstCertificateLoadIsNotAReload(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.in(dir);
        MetricsRegistry metrics = new MetricsRegistry(false);
        long notAfter = certs.serving().leaf().getNotAfter().toInstant().getEpochSecond();

        metrics.tls().loaded(certs.serving());
        assertThat(scrape(metrics))
                .contains("deadline_guard_certificate_reloads_total{result=\"success\"} 0.0\n")
                .contains("deadline_guard_certificate_reloads_total{result=\"failure\"} 0.0\n")
                .containsPattern("deadline_guard_certificate_expiry_timestamp_seconds " + notAfter / 1e9 + "\\d*E9\n");

        metrics.tls().loaded(certs.serving());
        metrics.tls().rejected("broken");
        assertThat(scrape(metrics))
                .contains("deadline_guard_certificate_reloads_total{result=\"success\"} 1.0\n")
                .contains("deadline_guard_certificate_reloads_total{result=\"failure\"} 1.0\n");
    }
}
