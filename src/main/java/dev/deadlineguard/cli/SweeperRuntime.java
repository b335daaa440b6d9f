package dev.deadlineguard.cli;

import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.report.AdmissionEvents;
import dev.deadlineguard.report.ReportFormat;
import dev.deadlineguard.report.ReportWriter;
import dev.deadlineguard.sweep.ClusterConnection;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.KubernetesActions;
import dev.deadlineguard.sweep.ReadinessGate;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.Sweeper;
import dev.deadlineguard.sweep.SweeperLeadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The sweeper as {@code serve} runs it: informers on every replica, the worker on the lease holder. */
final class SweeperRuntime implements AutoCloseable {

    static final String LEASE_NAME = "deadline-guard-sweeper";
    /** How often changed policy reports are written. */
    static final Duration REPORT_FLUSH = Duration.ofSeconds(10);
    /** How long /readyz waits for the sweeper's first sync at most. */
    static final Duration READINESS_WAIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(SweeperRuntime.class);

    private final KubernetesClient client;
    private final Sweeper sweeper;
    private final SweeperLeadership leadership;
    private final Duration resync;
    private final ReportWriter reports;
    private final AdmissionEvents events;
    private final ReadinessGate readiness;

    private SweeperRuntime(KubernetesClient client, Sweeper sweeper, SweeperLeadership leadership, Duration resync,
                           ReportWriter reports, AdmissionEvents events) {
        this.client = client;
        this.sweeper = sweeper;
        this.leadership = leadership;
        this.resync = resync;
        this.reports = reports;
        this.events = events;
        this.readiness = new ReadinessGate(sweeper::hasSynced, Clock.systemUTC(), READINESS_WAIT);
    }

    /** Connects to the cluster, or says clearly why not and returns {@code null} (admission keeps serving). */
    static SweeperRuntime connect(SweepConfig config, MetricsRegistry metrics, Clock clock, String leaseNamespace,
                                  String identity, Duration resync, List<ReportFormat> reportFormats, int maxReportResults) {
        ClusterConnection.Result connection = ClusterConnection.connect(System.getenv());
        if (!connection.connected()) {
            LOG.warn("sweeper disabled: {}; serving admission only", connection.problem());
            return null;
        }
        KubernetesClient client = connection.client();
        ReportWriter reports = reportFormats.isEmpty() ? null : new ReportWriter(client, reportFormats, config.grace(),
                config.guardedKeys(), maxReportResults, metrics.registry());
        Sweeper sweeper = new Sweeper(client, config, new KubernetesActions(client, clock, identity), clock,
                metrics.sweep(), reports == null ? DecisionListener.NONE : reports);
        SweeperLeadership leadership = new SweeperLeadership(client, sweeper, metrics.sweep(), leaseNamespace, LEASE_NAME,
                identity, SweeperLeadership.Timings.DEFAULT);
        LOG.info("sweeper enabled against {} as {} (lease {}/{})", client.getMasterUrl(), identity, leaseNamespace, LEASE_NAME);
        AdmissionEvents events = new AdmissionEvents(client, clock, identity, metrics.registry());
        return new SweeperRuntime(client, sweeper, leadership, resync, reports, events);
    }

    /** Admission verdicts as Events on the ReplicaSet (every replica records its own). */
    ReviewObserver admissionEvents() {
        return events;
    }

    void start() {
        readiness.start();
        sweeper.startInformers(resync);
        leadership.start();
        if (reports != null) {
            reports.start(REPORT_FLUSH);
        }
    }

    /** Readiness: the informers' first sync, waited for {@link #READINESS_WAIT} at most. */
    boolean readyForAdmission() {
        return readiness.getAsBoolean();
    }

    @Override
    public void close() {
        leadership.close();
        sweeper.close();
        if (reports != null) {
            reports.close();
        }
        events.close();
        client.close();
    }
}
