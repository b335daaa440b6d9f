package dev.deadlineguard.metrics;

import dev.deadlineguard.policy.DeadlineCase;
import dev.deadlineguard.policy.Decision;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.List;
import java.util.Locale;

/**
 * Prometheus metrics of the admission endpoints. Every series an alert rule or the dashboard reads is
 * created at start with the value 0, so that a rate over it means something before the first event.
 */
public final class AdmissionMetrics {

    /** The endpoint labels ({@code Endpoint.label()}). */
    public static final List<String> ENDPOINTS = List.of("mutate", "validate");
    /** Status codes answered instead of a review. */
    public static final List<Integer> REJECTION_CODES = List.of(400, 405, 413, 415);

    private final Counter reviews;
    private final Counter rejected;
    private final Histogram duration;

    public AdmissionMetrics(PrometheusRegistry registry) {
        reviews = Counter.builder()
                .name("deadline_guard_admission_reviews_total")
                .help("AdmissionReviews answered, by endpoint, decision case and action")
                .labelNames("endpoint", "case", "action")
                .register(registry);
        rejected = Counter.builder()
                .name("deadline_guard_admission_rejected_requests_total")
                .help("Requests to an admission endpoint answered with an HTTP error instead of a review")
                .labelNames("endpoint", "code")
                .register(registry);
        duration = Histogram.builder()
                .name("deadline_guard_admission_review_duration_seconds")
                .help("Time to read, decide and answer one admission request")
                .labelNames("endpoint")
                .classicOnly()
                                // Up to the webhooks' timeoutSeconds (5s): the alert on latency near the timeout reads le="2.5".
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
                        2.5, 5)
                .register(registry);
        for (String endpoint : ENDPOINTS) {
            duration.labelValues(endpoint);
            REJECTION_CODES.forEach(code -> rejected.labelValues(endpoint, Integer.toString(code)));
            reviews.labelValues(endpoint, "error", "fail_open");
            for (Decision.Scope scope : Decision.Scope.values()) {
                if (scope != Decision.Scope.JUDGED) {
                    reviews.labelValues(endpoint, scope.name().toLowerCase(Locale.ROOT), "allow");
                }
            }
            for (DeadlineCase c : DeadlineCase.values()) {
                if (!c.isViolation()) {
                    reviews.labelValues(endpoint, c.label(), "allow");
                } else if (endpoint.equals("mutate")) {
                    reviews.labelValues(endpoint, c.label(), "patch");
                } else {
                    reviews.labelValues(endpoint, c.label(), "deny");
                    reviews.labelValues(endpoint, c.label(), "warn");
                }
            }
        }
    }

    public void reviewed(String endpoint, String deadlineCase, String action) {
        reviews.labelValues(endpoint, deadlineCase, action).inc();
    }

    public void rejected(String endpoint, int code) {
        rejected.labelValues(endpoint, Integer.toString(code)).inc();
    }

    public void observeSeconds(String endpoint, double seconds) {
        duration.labelValues(endpoint).observe(seconds);
    }
}
