package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.tls.KeyStores;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTPS server: {@code /mutate}, {@code /validate}, {@code /healthz}, {@code /readyz} and
 * {@code /metrics} on one TLS port (TLS 1.2 and 1.3 only). Wired completely before it starts.
 */
public final class AdmissionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);

    /** Open connections at most; beyond it Jetty stops accepting until one closes. */
    static final int MAX_CONNECTIONS = 2000;
    static final int ACCEPT_QUEUE = 1024;
    static final int SELECTORS = Math.max(2, Runtime.getRuntime().availableProcessors());
    static final int WARM_UP_MAX_REVIEWS = 20_000;
    /** Idle timeout of every connection while the cap is reached, so that idle ones make room fast. */
    static final long IDLE_TIMEOUT_AT_CAP_MILLIS = 2000;

    private final ServerSettings settings;
    private volatile KeyStores.ServingPair serving;
    private final SslContextFactory.Server ssl;
    private final Javalin app;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Readiness readiness = new Readiness();
    private final WarmUp warmUp = new WarmUp();
    private final AtomicBoolean warm = new AtomicBoolean(true);
    private Duration warmUpBudget = Duration.ZERO;

    public AdmissionServer(ServerSettings settings, KeyStores.ServingPair serving, AdmissionReviewer reviewer,
                           MetricsRegistry metrics) {
        this(settings, serving, reviewer, metrics, ReviewObserver.NONE);
    }

    /** @param observer hears every answered review (Events); called after the answer is written */
    public AdmissionServer(ServerSettings settings, KeyStores.ServingPair serving, AdmissionReviewer reviewer,
                           MetricsRegistry metrics, ReviewObserver observer) {
        this.settings = settings;
        this.serving = serving;
        this.ssl = sslContextFactory(serving, settings.clientCaFile());
        readiness.require("shutdown", () -> draining.get() || stopping.get()
                ? Readiness.Result.failed("shutting down") : Readiness.Result.ok());
        readiness.require("server", () -> started.get()
                ? Readiness.Result.ok("accepting on port " + port()) : Readiness.Result.failed("not started"));
        AdmissionHandler admission = new AdmissionHandler(reviewer, metrics.admission(), settings.maxRequestBytes(),
                bodyDeadline(settings), ReviewBudget.defaults(),
                observer, warmUp);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setStopAtShutdown(false);
                // POSTs to the admission endpoints are answered by the first handler; the Javalin
                // routes (probes, metrics, 404 and 405) go inside it.
                server.setHandler(new GracefulHandler(admission));
            });
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.jetty.addConnector((server, http) -> tlsConnector(server, http, ssl));

            for (Endpoint endpoint : Endpoint.values()) {
                for (HandlerType method : HandlerType.values()) {
                    if (method.isHttpMethod() && !method.equals(HandlerType.POST)) {
                        config.routes.addHttpHandler(method, endpoint.path(), ctx -> {
                            metrics.admission().rejected(endpoint.label(), 405);
                            methodNotAllowed(ctx, "POST", "POST an AdmissionReview");
                        });
                    }
                }
            }
            config.routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
            config.routes.get("/readyz", this::readyz);
            config.routes.get("/metrics", ctx -> ctx.contentType(MetricsRegistry.CONTENT_TYPE).result(metrics.scrape()));
            for (String path : List.of("/healthz", "/readyz", "/metrics")) {
                for (HandlerType method : HandlerType.values()) {
                    if (method.isHttpMethod() && !method.equals(HandlerType.GET) && !method.equals(HandlerType.HEAD)) {
                        config.routes.addHttpHandler(method, path, ctx -> methodNotAllowed(ctx, "GET, HEAD", "use GET"));
                    }
                }
            }
            config.routes.error(404, ctx -> json(ctx, 404, "no such path: " + ctx.path()
                    + "; admission reviews go to /mutate or /validate"));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error serving {} {}", ctx.method(), ctx.path(), e);
                json(ctx, 500, "internal error; see the server log");
            });
        });
    }

    /**
     * Serves a new certificate to new connections from now on; connections already open keep theirs,
     * so no request fails during the swap.
     */
    public void useCertificate(KeyStores.ServingPair pair) {
        try {
            ssl.reload(factory -> factory.setKeyStore(pair.keyStore()));
            serving = pair;
        } catch (Exception e) {
            throw new IllegalStateException("could not switch to the new certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The checks behind {@code /readyz}: add required ones (the certificate) and informational ones (the
     * sweeper) before or after start.
     */
    public Readiness readiness() {
        return readiness;
    }

    /**
     * Before turning ready, review against itself over HTTPS for this long (see {@link WarmUp});
     * zero (the default) turns ready at once. Call before {@link #start}.
     */
    public AdmissionServer warmUpFor(Duration budget) {
        if (budget.isZero() || settings.clientCaFile() != null) {
            return this;  // with client certificates required, the server cannot call itself
        }
        this.warmUpBudget = budget;
        readiness.require("warm-up", () -> warm.get()
                ? Readiness.Result.ok("done") : Readiness.Result.failed("reviewing against itself for up to "
                        + budget.toMillis() + " ms"));
        return this;
    }

    public AdmissionServer start() {
        app.start();
        started.set(true);
        LOG.info("serving admission reviews over HTTPS on {}:{}", settings.host(), port());
        if (!warmUpBudget.isZero()) {
            warm.set(false);
            Thread warming = new Thread(() -> {
                try {
                    WarmUp.log(warmUp.run(loopback(settings.host()), port(), serving.leaf(), SELECTORS,
                            warmUpBudget, WARM_UP_MAX_REVIEWS));
                } finally {
                    warm.set(true);
                }
            }, "warm-up");
            warming.setDaemon(true);
            warming.start();
        }
        return this;
    }

    /** Where the server can reach itself: loopback when bound to every address. */
    private static String loopback(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    }

    public int port() {
        return app.port();
    }

    /**
     * First step of a shutdown: {@code /readyz} answers 503 so that the Service stops sending new
     * reviews here, while reviews that still arrive are answered as usual.
     */
    public void beginShutdown() {
        if (draining.compareAndSet(false, true)) {
            LOG.info("shutting down: /readyz now answers 503, still answering reviews until endpoints update");
        }
    }

    /** Stops accepting connections, lets in-flight reviews finish within the grace period, then stops. */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            LOG.info("shutting down: finishing in-flight requests (grace {}s)", settings.shutdownGrace().toSeconds());
            app.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void readyz(Context ctx) {
        Readiness.Report report = readiness.evaluate();
        if (ctx.queryParamMap().containsKey("verbose")) {
            ctx.status(report.ready() ? 200 : 503).contentType("text/plain").result(report.verbose());
        } else if (report.ready()) {
            ctx.contentType("text/plain").result("ok\n");
        } else {
            json(ctx, 503, "not ready: " + report.firstFailure());
        }
    }

    private static void methodNotAllowed(Context ctx, String allowed, String hint) {
        ctx.header("Allow", allowed);
        json(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path() + "; " + hint);
    }

    private static void json(Context ctx, int code, String message) {
        ctx.status(code).contentType(AdmissionHandler.JSON).result(ErrorBodies.status(code, message));
    }

    /**
     * A whole review body must arrive within this: 20 s, or the idle timeout when shorter. The
     * apiserver waits at most 30 s for a webhook (10 s by default).
     */
    private static java.time.Duration bodyDeadline(ServerSettings settings) {
        java.time.Duration limit = java.time.Duration.ofSeconds(20);
        return settings.idleTimeout().compareTo(limit) < 0 ? settings.idleTimeout() : limit;
    }

    private static SslContextFactory.Server sslContextFactory(KeyStores.ServingPair serving, java.nio.file.Path clientCa) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(serving.keyStore());
        ssl.setKeyStorePassword(new String(KeyStores.PASSWORD));
        ssl.setKeyManagerPassword(new String(KeyStores.PASSWORD));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        if (clientCa != null) {
            try {
                ssl.setTrustStore(KeyStores.trustStore(clientCa));
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use client CA file " + clientCa + ": " + e.getMessage(), e);
            }
            ssl.setNeedClientAuth(true);
        }
        return ssl;
    }

    private ServerConnector tlsConnector(Server server, HttpConfiguration http, SslContextFactory.Server ssl) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.setUseInputDirectByteBuffers(false);
        https.setUseOutputDirectByteBuffers(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        // One selector per core: reviews run on the selector that read them (AdmissionHandler), so
        // the selectors are what spread the work over the cores.
        ServerConnector connector = new ServerConnector(server, 1, SELECTORS,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        // A burst of new connections (the apiserver opens one per concurrent review) waits in the
        // kernel's queue while the acceptor is busy, instead of having its SYNs dropped and retried.
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        ConnectionLimit limit = new ConnectionLimit(MAX_CONNECTIONS, connector);
        limit.setIdleTimeout(IDLE_TIMEOUT_AT_CAP_MILLIS);
        connector.addBean(limit);
        return connector;
    }
}
