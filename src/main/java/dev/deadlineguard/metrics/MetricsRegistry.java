package dev.deadlineguard.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The registry behind {@code /metrics}: the product's metrics plus the JVM's. */
public final class MetricsRegistry {

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final AdmissionMetrics admission = new AdmissionMetrics(registry);
    private final TlsMetrics tls = new TlsMetrics(registry);
    private final SweepMetrics sweep = new SweepMetrics(registry);

    public MetricsRegistry(boolean withJvmMetrics) {
        BuildInfo.register(registry);
        if (withJvmMetrics) {
            JvmMetrics.builder().register(registry);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public AdmissionMetrics admission() {
        return admission;
    }

    public SweepMetrics sweep() {
        return sweep;
    }

    public TlsMetrics tls() {
        return tls;
    }

    /** The Prometheus text exposition of everything registered. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
