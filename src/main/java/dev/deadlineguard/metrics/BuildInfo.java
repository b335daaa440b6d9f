package dev.deadlineguard.metrics;

import dev.deadlineguard.version.Version;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code deadline_guard_build_info{version="0.1.0"} 1}: which version each replica runs. */
final class BuildInfo {

    static final String NAME = "deadline_guard_build";

    private BuildInfo() {
    }

    static void register(PrometheusRegistry registry) {
        Info.builder().name(NAME)
                .help("The deadline-guard version this process runs (value always 1)")
                .labelNames("version")
                .register(registry)
                .setLabelValues(Version.current());
    }
}
