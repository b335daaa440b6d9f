package dev.deadlineguard.server;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.BadReviewException;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.metrics.AdmissionMetrics;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;

/**
 * The HTTP transport of one admission endpoint: checks the media type and the size, reads the body,
 * hands it to the {@link AdmissionReviewer} and writes the answer. Client mistakes become 4xx with a
 * JSON body; nothing here decides anything about deadlines.
 */
final class AdmissionHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionHandler.class);
    static final String JSON = "application/json";

    private final Endpoint endpoint;
    private final AdmissionReviewer reviewer;
    private final AdmissionMetrics metrics;
    private final long maxRequestBytes;
    private final ReviewObserver observer;

    AdmissionHandler(Endpoint endpoint, AdmissionReviewer reviewer, AdmissionMetrics metrics, long maxRequestBytes,
                     ReviewObserver observer) {
        this.endpoint = endpoint;
        this.reviewer = reviewer;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.observer = observer;
    }

    @Override
    public void handle(Context ctx) {
        long started = System.nanoTime();
        try {
            serve(ctx);
        } finally {
            metrics.observeSeconds(endpoint.label(), (System.nanoTime() - started) / 1e9);
        }
    }

    private void serve(Context ctx) {
        String contentType = ctx.req().getContentType();
        if (!isJson(contentType)) {
            reject(ctx, 415, "Content-Type must be application/json, got "
                    + (contentType == null ? "none" : "'" + dev.deadlineguard.admission.Messages.clip(contentType, 100) + "'"));
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxRequestBytes) {
            reject(ctx, 413, "request body of " + declared + " bytes is over the limit of " + maxRequestBytes + " bytes");
            return;
        }
        byte[] body;
        try {
            body = BoundedBody.read(ctx.req().getInputStream(), declared, maxRequestBytes);
        } catch (IOException e) {
            reject(ctx, 400, "request body could not be read: " + e.getClass().getSimpleName());
            return;
        }
        if (body == null) {
            reject(ctx, 413, "request body is over the limit of " + maxRequestBytes + " bytes");
            return;
        }
        try {
            ReviewResult result = reviewer.review(endpoint, body);
            metrics.reviewed(endpoint.label(), result.caseLabel(), result.action());
            if (!ReviewResult.ALLOW.equals(result.action())) {
                var input = result.review().input();
                LOG.atInfo().addKeyValue("namespace", input.namespace()).addKeyValue("replicaset", input.name())
                        .addKeyValue("review_uid", result.review().uid()).addKeyValue("case", result.caseLabel())
                        .addKeyValue("action", result.action()).addKeyValue("endpoint", endpoint.label())
                        .log("{} {} uid={} user={} case={} action={}{}", endpoint.path(), input.displayName(),
                                result.review().uid(), input.username(), result.caseLabel(), result.action(),
                                input.dryRun() ? " dryRun" : "");
            }
            ctx.status(200).contentType(JSON).result(result.body());
            observer.reviewed(endpoint, result);
        } catch (BadReviewException e) {
            reject(ctx, 400, e.getMessage());
        }
    }

    private void reject(Context ctx, int code, String message) {
        metrics.rejected(endpoint.label(), code);
        LOG.debug("{} answered {}: {}", endpoint.path(), code, message);
        if (code == 413) {
            ctx.header("Connection", "close");
        }
        ctx.status(code).contentType(JSON).result(ErrorBodies.status(code, message));
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
