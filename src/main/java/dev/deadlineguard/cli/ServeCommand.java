package dev.deadlineguard.cli;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.cluster.Backoff;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.server.AdmissionServer;
import dev.deadlineguard.server.Readiness;
import dev.deadlineguard.server.ServerSettings;
import dev.deadlineguard.tls.CertificateFiles;
import dev.deadlineguard.tls.CertificateReloader;
import dev.deadlineguard.tls.KeyStores;
import dev.deadlineguard.tls.ServingCertificates;
import dev.deadlineguard.sweep.SweeperLeadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve admission reviews over HTTPS on /mutate and /validate, with /healthz, /readyz and /metrics.")
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Mixin(name = "logging")
    LoggingOptions logging;

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--cert-dir", defaultValue = ServingCertificates.DEFAULT_DIR, paramLabel = "DIR",
            description = "Directory with tls.crt and tls.key; when they are missing, a local try-out CA (ca.crt) and a "
                    + "serving certificate for localhost, 127.0.0.1 and ::1 are generated there, apart from the cluster's "
                    + "certificates that the certs command writes (default: ${DEFAULT-VALUE}).")
    Path certDir;

    @Option(names = "--tls-cert-file", paramLabel = "FILE",
            description = "PEM certificate (chain) to serve; overrides --cert-dir, needs --tls-key-file.")
    Path tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "FILE", description = "PEM private key of --tls-cert-file.")
    Path tlsKeyFile;

    @Option(names = "--cert-san", split = ",", paramLabel = "NAME",
            description = "Extra DNS names or IPs for the generated try-out certificate; one that serve generated "
                    + "earlier is reissued (same CA) when it lacks them.")
    List<String> certSans;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "" + ServerSettings.DEFAULT_MAX_REQUEST_BYTES,
            description = "Largest admission request body accepted (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "25s", converter = DurationConverter.class,
            description = "How long in-flight reviews may take to finish on SIGTERM (default: ${DEFAULT-VALUE}).")
    Duration shutdownGrace;

    @Option(names = "--shutdown-delay", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "On SIGTERM, keep answering reviews this long with /readyz at 503, so that the endpoints "
                    + "drop this replica before it stops listening (default: ${DEFAULT-VALUE}).")
    Duration shutdownDelay;

    @Option(names = "--warm-up", defaultValue = "2s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Before /readyz turns ready, review a sample AdmissionReview against itself over HTTPS for this "
                    + "long, so that the first real reviews are served by compiled code; not counted, logged or "
                    + "recorded; skipped with --client-ca-file; 0s turns ready at once (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--cert-reload-interval", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the certificate files are checked for changes (default: ${DEFAULT-VALUE}).")
    Duration certReloadInterval;

    @Option(names = "--cert-expiry-warning", defaultValue = "30d", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Warn in the log when the certificate expires within this time (default: ${DEFAULT-VALUE}).")
    Duration certExpiryWarning;

    @Option(names = "--client-ca-file", paramLabel = "FILE",
            description = "Require client certificates issued by a CA in this PEM file (mutual TLS).")
    Path clientCaFile;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--no-sweeper", description = "Serve admission only, even when a cluster is reachable.")
    boolean noSweeper;

    @Mixin
    SweepOptions sweep;

    @Option(names = "--lease-namespace", defaultValue = "deadline-guard", paramLabel = "NS",
            description = "Namespace of the sweeper's leader-election Lease (default: ${DEFAULT-VALUE}).")
    String leaseNamespace;

    @Option(names = "--leader-identity", paramLabel = "ID",
            description = "This replica's name in leader election (default: the host name).")
    String leaderIdentity;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--tls-cert-file and --tls-key-file go together");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
        }
        if (maxRequestBytes < 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-request-bytes must be at least 1024");
        }
        FileOptions.requireReadableFile(spec.commandLine(), "certificate file", tlsCertFile);
        FileOptions.requireReadableFile(spec.commandLine(), "key file", tlsKeyFile);
        FileOptions.requireReadableFile(spec.commandLine(), "client CA file", clientCaFile);
        FileOptions.requireDirectoryOrAbsent(spec.commandLine(), "--cert-dir", certDir);
        Clock clock = Clock.systemUTC();
        CertificateFiles files = tlsCertFile != null
                ? new CertificateFiles(tlsCertFile, tlsKeyFile)
                : ServingCertificates.ensure(certDir, certSans == null ? List.of() : certSans, clock);
        MetricsRegistry metrics = new MetricsRegistry(true);
        AtomicReference<AdmissionServer> running = new AtomicReference<>();
        CertificateReloader certificates = new CertificateReloader(files, clock, certExpiryWarning,
                pair -> running.get().useCertificate(pair), metrics.tls());
        KeyStores.ServingPair serving = certificates.current();

        ServerSettings settings = new ServerSettings(host, port, files, maxRequestBytes,
                ServerSettings.DEFAULT_IDLE_TIMEOUT, shutdownGrace, clientCaFile);
        AdmissionReviewer reviewer = new AdmissionReviewer(policy.toConfig());
        SweeperRuntime sweeper = noSweeper
                ? SweeperRuntime.disabled("--no-sweeper")
                : SweeperRuntime.create(new SweeperRuntime.Settings(sweep.toConfig(reviewer.config().guardedKeys()),
                        leaseNamespace, leaderIdentity == null ? SweepOptions.defaultIdentity() : leaderIdentity,
                        sweep.resync, sweep.reportFormats(), sweep.maxReportResults, Backoff.CONNECT,
                        SweeperLeadership.Timings.DEFAULT), metrics, clock, System.getenv());
        AdmissionServer server = new AdmissionServer(settings, serving, reviewer, metrics, sweeper.admissionEvents());
        server.warmUpFor(warmUp);
        running.set(server);
        server.readiness().require("tls-certificate", () -> {
            java.time.Instant notAfter = certificates.current().leaf().getNotAfter().toInstant();
            return notAfter.isAfter(clock.instant())
                    ? Readiness.Result.ok("expires " + notAfter)
                    : Readiness.Result.failed("the serving certificate expired at " + notAfter);
        });
        sweeper.describeTo(server.readiness());
        if (noSweeper) {
            LOG.info("sweeper disabled (--no-sweeper): serving admission only");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.beginShutdown();
            sweeper.close();  // releases the lease at once, so another replica sweeps
            try {
                Thread.sleep(shutdownDelay.toMillis());  // endpoint propagation: nothing to poll for here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            certificates.close();
            server.stop();
            dev.deadlineguard.logging.Logging.flush();  // the log is asynchronous: write it out before the JVM halts
            stopped.countDown();
        }, "shutdown"));
        server.start();
        certificates.start(certReloadInterval);
        sweeper.start();  // in the background: admission is already answering
        LOG.info("guarding annotation keys {}; validate mode {}; certificate {} (expires {}, checked every {}s){}",
                reviewer.config().guardedKeys(), reviewer.config().validateMode().name().toLowerCase(),
                files.certificate(), serving.leaf().getNotAfter().toInstant(), certReloadInterval.toSeconds(),
                clientCaFile == null ? "" : "; client certificates required from " + clientCaFile);
        printTryLine(server.port(), files);
        stopped.await();
        return ExitCodes.OK;
    }

    private void printTryLine(int boundPort, CertificateFiles files) {
        Path ca = files.certificate().toAbsolutePath().getParent().resolve(ServingCertificates.CA_CERT);
        String trust = Files.exists(ca) ? "--cacert " + relative(ca) : "-k";
        String sample = Files.exists(Path.of("samples/04-blanked.json")) ? "@samples/04-blanked.json" : "@review.json";
        spec.commandLine().getOut().printf("Try: curl --silent %s -H 'Content-Type: application/json' --data %s "
                + "https://localhost:%d/mutate%n", trust, sample, boundPort);
        spec.commandLine().getOut().flush();
    }

    private static String relative(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }
}
