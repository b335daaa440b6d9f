package dev.deadlineguard.metrics;

import dev.deadlineguard.tls.CertificateReloader;
import dev.deadlineguard.tls.KeyStores;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Metrics of the serving certificate: its expiry and the outcome of reloads. The first load at start
 * is not a reload: it sets the expiry and counts nothing.
 */
public final class TlsMetrics implements CertificateReloader.Listener {

    private final Gauge expiry;
    private final Counter reloads;
    private boolean first = true;

    public TlsMetrics(PrometheusRegistry registry) {
        expiry = Gauge.builder()
                .name("deadline_guard_certificate_expiry_timestamp_seconds")
                .help("When the serving certificate expires (notAfter), as a Unix timestamp")
                .register(registry);
        reloads = Counter.builder()
                .name("deadline_guard_certificate_reloads_total")
                .help("Serving certificate loads, by result (success or failure)")
                .labelNames("result")
                .register(registry);
        reloads.labelValues("success");
        reloads.labelValues("failure");
    }

    @Override
    public synchronized void loaded(KeyStores.ServingPair pair) {
        expiry.set(pair.leaf().getNotAfter().toInstant().getEpochSecond());
        if (first) {
            first = false;
            return;
        }
        reloads.labelValues("success").inc();
    }

    @Override
    public void rejected(String reason) {
        reloads.labelValues("failure").inc();
    }
}
