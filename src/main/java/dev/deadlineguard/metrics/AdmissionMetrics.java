package dev.deadlineguard.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Prometheus metrics of the admission endpoints. */
public final class AdmissionMetrics {

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
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
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
