package dev.deadlineguard.cli;

import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/** Sweeper options, the same for {@code serve} and {@code sweep --once}. */
public final class SweepOptions {

    @Option(names = "--sweep-mode", defaultValue = "enforce", paramLabel = "MODE",
            description = "report (only report), repair (also fix blank and invalid deadlines) or enforce (also scale "
                    + "down overdue ReplicaSets) (default: ${DEFAULT-VALUE}).")
    SweepMode mode;

    @Option(names = "--dry-run", description = "Log what the sweeper would do and change nothing.")
    boolean dryRun;

    @Option(names = "--sweep-namespace", split = ",", paramLabel = "NS",
            description = "Namespaces to sweep (default: all).")
    List<String> namespaces;

    @Option(names = "--grace-period", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long after a deadline the controller gets before the sweeper acts (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--resync", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Informer resync period; a safety net, not the main mechanism (default: ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(names = "--reports", split = ",", defaultValue = "wgpolicy", paramLabel = "FORMAT", converter = ReportsConverter.class,
            description = "Policy reports the sweeper keeps current: wgpolicy, openreports, both (comma-separated) or none "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> reports;

    @Option(names = "--max-report-results", defaultValue = "1000", paramLabel = "N",
            description = "Results per policy report at most, failures first; the summary counts all (default: ${DEFAULT-VALUE}).")
    int maxReportResults;

    /** Checks each {@code --reports} item while parsing, so a typo is a usage error before anything starts. */
    static final class ReportsConverter implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String item = value.strip();
            if (!item.equalsIgnoreCase("none")) {
                try {
                    dev.deadlineguard.report.ReportFormat.fromFlag(item);
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.TypeConversionException("expected wgpolicy, openreports (both comma-separated) or none");
                }
            }
            return item;
        }
    }

    List<dev.deadlineguard.report.ReportFormat> reportFormats() {
        if (reports.stream().anyMatch(r -> r.strip().equalsIgnoreCase("none"))) {
            return List.of();
        }
        return reports.stream().map(String::strip).map(dev.deadlineguard.report.ReportFormat::fromFlag).distinct().toList();
    }

    SweepConfig toConfig(List<String> guardedKeys) {
        return new SweepConfig(guardedKeys, mode, dryRun, grace, namespaces == null ? List.of() : namespaces,
                SweepConfig.ARGO_DEFAULT_SCALE_DOWN_DELAY);
    }

    static String defaultIdentity() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "deadline-guard-" + ProcessHandle.current().pid();
        }
    }
}
