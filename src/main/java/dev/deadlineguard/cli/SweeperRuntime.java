package dev.deadlineguard.cli;

import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.cluster.Backoff;
import dev.deadlineguard.cluster.ClusterConnection;
import dev.deadlineguard.cluster.ClusterConnector;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.report.AdmissionEvents;
import dev.deadlineguard.report.ReportFormat;
import dev.deadlineguard.report.ReportWriter;
import dev.deadlineguard.server.Readiness;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.KubernetesActions;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.Sweeper;
import dev.deadlineguard.sweep.SweeperLeadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of {@code serve}, started apart from admission so that admission never waits for
 * it: a {@link ClusterConnector} reaches the API server in the background, retrying with backoff; once
 * it answers, the informers (every replica), leader election (the worker on the lease holder), the
 * report writer and the admission Events start, and ride out later outages on their own. A status
 * loop turns their state into metrics, {@code /readyz?verbose} lines and a log line per change.
 */
final class SweeperRuntime implements AutoCloseable {

    static final String LEASE_NAME = "deadline-guard-sweeper";
    /** How often changed policy reports are written. */
    static final Duration REPORT_FLUSH = Duration.ofSeconds(10);
    /** How often the state is sampled for metrics and the log. */
    static final Duration STATUS_PERIOD = Duration.ofSeconds(1);
    /**
     * While a watch is down, how often the API server is asked for its version to say why (a dropped
     * watch is re-established by the client without telling the cause).
     */
    static final Duration PROBE_PERIOD = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(SweeperRuntime.class);

    /** What the sweeper runs with. */
    record Settings(SweepConfig config, String leaseNamespace, String identity, Duration resync,
                    List<ReportFormat> reportFormats, int maxReportResults, Backoff connectBackoff,
                    SweeperLeadership.Timings leaseTimings) {
    }

    /** The parts that exist once the API server has answered. */
    private record Parts(KubernetesClient client, Sweeper sweeper, SweeperLeadership leadership, ReportWriter reports,
                         AdmissionEvents events) {
    }

    private final Settings settings;
    private final MetricsRegistry metrics;
    private final Clock clock;
    private final String off;
    private final ClusterConnector connector;
    private final ScheduledExecutorService status;
    private volatile Parts parts;
    private boolean closed;
    private String loggedCache;
    /** While the cache is not current: the last probe of the API server, in words ({@code null}: it answered). */
    private volatile String probed;
    private long probedAt;

    private SweeperRuntime(Settings settings, MetricsRegistry metrics, Clock clock, String off,
                           java.util.function.Supplier<ClusterConnection.Target> target) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.off = off;
        this.connector = target == null ? null : new ClusterConnector(target, settings.connectBackoff(), this::connected);
        this.status = target == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweeper-status");
            t.setDaemon(true);
            return t;
        });
    }

    /** The sweeper switched off on purpose ({@code --no-sweeper}). */
    static SweeperRuntime disabled(String why) {
        return new SweeperRuntime(null, null, null, why, null);
    }

    /**
     * The sweeper for the cluster the standard configuration names; switched off, said once, when there is
     * no configuration at all. Nothing is contacted before {@link #start()}.
     */
    static SweeperRuntime create(Settings settings, MetricsRegistry metrics, Clock clock, Map<String, String> env) {
        String missing = ClusterConnection.missingConfiguration(env);
        if (missing != null) {
            LOG.info("sweeper off: {}; serving admission only", missing);
            return disabled(missing);
        }
        return forTarget(settings, metrics, clock, () -> ClusterConnection.target(env));
    }

    /** The sweeper for one cluster configuration, whose client is built in the background. */
    static SweeperRuntime forTarget(Settings settings, MetricsRegistry metrics, Clock clock,
                                    java.util.function.Supplier<ClusterConnection.Target> target) {
        return new SweeperRuntime(settings, metrics, clock, null, target);
    }

    void start() {
        if (connector == null) {
            return;
        }
        connector.start();
        status.scheduleWithFixedDelay(this::observe, 0, STATUS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void connected(KubernetesClient client) {
        if (closed) {
            return;
        }
        SweepConfig config = settings.config();
        ReportWriter reports = settings.reportFormats().isEmpty() ? null : new ReportWriter(client, settings.reportFormats(),
                config.grace(), config.guardedKeys(), settings.maxReportResults(), metrics.registry());
        Sweeper sweeper = new Sweeper(client, config, new KubernetesActions(client, clock, settings.identity()), clock,
                metrics.sweep(), reports == null ? DecisionListener.NONE : reports);
        SweeperLeadership leadership = new SweeperLeadership(client, sweeper, metrics.sweep(), settings.leaseNamespace(),
                LEASE_NAME, settings.identity(), settings.leaseTimings());
        AdmissionEvents events = new AdmissionEvents(client, clock, settings.identity(), metrics.registry());
        sweeper.startInformers(settings.resync());
        leadership.start();
        if (reports != null) {
            reports.start(REPORT_FLUSH);
        }
        parts = new Parts(client, sweeper, leadership, reports, events);
        LOG.info("sweeper enabled as {} (lease {}/{})", settings.identity(), settings.leaseNamespace(), LEASE_NAME);
    }

    /** Admission verdicts as Events on the ReplicaSet (every replica records its own), once connected. */
    ReviewObserver admissionEvents() {
        return (endpoint, result) -> {
            Parts p = parts;
            if (p != null) {
                p.events().reviewed(endpoint, result);
            }
        };
    }

    /** The sweeper's state as informational {@code /readyz?verbose} lines: they never make admission unready. */
    void describeTo(Readiness readiness) {
        if (off != null) {
            readiness.inform("sweeper", () -> Readiness.Result.ok("off: " + off));
            return;
        }
        readiness.inform("sweeper-connected", () -> {
            String problem = connectionProblem();
            return problem == null ? Readiness.Result.ok() : Readiness.Result.failed(problem);
        });
        readiness.inform("sweeper-synced", () -> {
            Parts p = parts;
            if (p == null) {
                return Readiness.Result.failed("waiting for the API server");
            }
            String problem = p.sweeper().cacheProblem();
            return problem == null ? Readiness.Result.ok() : Readiness.Result.failed(problem);
        });
        readiness.inform("sweeper-leader", () -> {
            Parts p = parts;
            if (p == null) {
                return Readiness.Result.failed("waiting for the API server");
            }
            if (p.leadership().isLeading()) {
                return Readiness.Result.ok("this replica (" + settings.identity() + ") sweeps");
            }
            String leader = p.leadership().leader();
            return leader == null || leader.isEmpty()
                    ? Readiness.Result.failed("no replica holds lease " + settings.leaseNamespace() + "/" + LEASE_NAME)
                    : Readiness.Result.ok(leader + " sweeps");
        });
    }

    private String connectionProblem() {
        if (!connector.connected()) {
            return connector.problem();
        }
        Parts p = parts;
        if (p == null || p.sweeper().cacheCurrent()) {
            return null;
        }
        return p.sweeper().cacheReachable() ? probed : p.sweeper().cacheProblem();
    }

    /** Asks the API server for its version, at most every {@link #PROBE_PERIOD}, while the cache is not current. */
    private void probe(Parts p) {
        if (p.sweeper().cacheCurrent()) {
            probed = null;
            return;
        }
        long now = System.nanoTime();
        if (probedAt != 0 && now - probedAt < PROBE_PERIOD.toNanos()) {
            return;
        }
        probedAt = now;
        try {
            p.client().getKubernetesVersion();
            probed = null;
        } catch (RuntimeException e) {
            probed = dev.deadlineguard.cluster.ConnectionProblem.describe(e);
        }
    }

    /** Samples the state: metrics, and a log line when the cache's state changes. */
    private void observe() {
        try {
            Parts p = parts;
            if (p != null) {
                probe(p);
            }
            String connection = connectionProblem();
            metrics.sweep().connected(connection == null);
            if (p == null) {
                return;
            }
            String problem = p.sweeper().cacheProblem();
            if (problem != null && connection != null && !problem.contains(connection)) {
                problem = problem + " (" + connection + ")";
            }
            String state = problem == null ? "current" : problem;
            if (!Objects.equals(state, loggedCache)) {
                if (problem == null) {
                    LOG.info("sweeper cache is current: {} Argo-managed ReplicaSets", p.sweeper().cachedCount());
                } else if (loggedCache != null || !problem.equals("listing")) {
                    LOG.warn("sweeper cache is not current, so the sweeper decides nothing until it is: {}", problem);
                }
                loggedCache = state;
            }
        } catch (RuntimeException e) {
            LOG.error("sampling the sweeper's state failed", e);
        }
    }

    @Override
    public void close() {
        Parts p;
        synchronized (this) {
            closed = true;
            p = parts;
        }
        if (connector == null) {
            return;
        }
        status.shutdownNow();
        connector.close();
        if (p != null) {
            p.leadership().close();  // releases the lease at once, so another replica sweeps
            p.sweeper().close();
            if (p.reports() != null) {
                p.reports().close();
            }
            p.events().close();
        }
        // The connector built the client: close it whatever state was reached.
        KubernetesClient client = connector.client();
        if (client != null) {
            client.close();
        }
    }
}
