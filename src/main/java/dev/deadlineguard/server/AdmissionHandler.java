package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.metrics.AdmissionMetrics;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

import java.time.Duration;
import java.util.Locale;

/**
 * The HTTP transport of the admission endpoints, in front of the Javalin routes: a {@code POST} to
 * {@code /mutate} or {@code /validate} is answered here, anything else goes on to the routes (which
 * answer 405, 404, the probes and the metrics). Each review is a {@link ReviewExchange} that reads the
 * body as it arrives, without a thread waiting for a slow client.
 *
 * <p>The handler declares itself {@link Invocable.InvocationType#NON_BLOCKING}: nothing on the review
 * path waits (Events and log lines are handed to their own threads), so Jetty runs a review on the
 * selector thread that read its bytes, as nginx's workers do, instead of handing every request and
 * every body chunk to another thread. The Javalin routes may block (servlet I/O), so those requests
 * are dispatched to the thread pool.
 */
final class AdmissionHandler extends Handler.Wrapper {

    static final String JSON = "application/json";

    private final AdmissionReviewer reviewer;
    private final AdmissionMetrics metrics;
    private final long maxRequestBytes;
    private final Duration bodyDeadline;
    private final ReviewBudget budget;
    private final ReviewObserver observer;
    private final ReviewLog log = new ReviewLog();
    private final WarmUp warmUp;

    AdmissionHandler(AdmissionReviewer reviewer, AdmissionMetrics metrics, long maxRequestBytes, Duration bodyDeadline,
                     ReviewBudget budget, ReviewObserver observer, WarmUp warmUp) {
        this.warmUp = warmUp;
        this.reviewer = reviewer;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.bodyDeadline = bodyDeadline;
        this.budget = budget;
        this.observer = observer;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Endpoint endpoint = endpoint(Request.getPathInContext(request));
        if (endpoint == null || !HttpMethod.POST.is(request.getMethod())) {
            request.getComponents().getExecutor().execute(() -> routes(request, response, callback));
            return true;
        }
        new ReviewExchange(endpoint, request, response, callback, this).start();
        return true;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Any other request, on a pool thread: the Javalin routes. */
    private void routes(Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }

    private static Endpoint endpoint(String path) {
        for (Endpoint endpoint : Endpoint.values()) {
            if (endpoint.path().equals(path)) {
                return endpoint;
            }
        }
        return null;
    }

    AdmissionReviewer reviewer() {
        return reviewer;
    }

    AdmissionMetrics metrics() {
        return metrics;
    }

    long maxRequestBytes() {
        return maxRequestBytes;
    }

    Duration bodyDeadline() {
        return bodyDeadline;
    }

    ReviewBudget budget() {
        return budget;
    }

    ReviewObserver observer() {
        return observer;
    }

    ReviewLog log() {
        return log;
    }

    /** A request of the server's own warm-up: answered, but not counted, logged or observed. */
    boolean isWarmUp(Request request) {
        return warmUp.isWarmUp(request.getHeaders().get(WarmUp.HEADER));
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals(JSON);
    }
}
