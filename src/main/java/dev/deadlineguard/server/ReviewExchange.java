package dev.deadlineguard.server;

import dev.deadlineguard.admission.BadReviewException;
import dev.deadlineguard.admission.DecodedReview;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Messages;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.admission.ReviewStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admission request: checks the media type and the size, feeds the body to a
 * {@link ReviewStream} chunk by chunk as Jetty delivers it (asking for more with
 * {@link Request#demand}, so no thread waits for a slow client), hands the decoded review to the
 * reviewer and writes the answer. Client mistakes become 4xx with a JSON body; a review that would
 * go over the {@link ReviewBudget} is answered 429 (a large one after a short wait in line); a body
 * that arrives slower than {@link #MIN_DATA_RATE} or not within the deadline is answered 408, so a
 * slow client holds a connection for a few seconds and never a thread. Nothing here decides anything
 * about deadlines.
 */
final class ReviewExchange implements Invocable.Task, ReviewBudget.Waiter {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewExchange.class);
    private static final HttpField CONTENT_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, AdmissionHandler.JSON);
    private static final HttpField CLOSE = new PreEncodedHttpField(HttpHeader.CONNECTION, "close");
    private static final HttpField RETRY_AFTER = new PreEncodedHttpField(HttpHeader.RETRY_AFTER, "1");
    private static final int SCRATCH = 16 * 1024;
    /** Bytes per second a body must arrive at, on average, once the first second has passed. */
    static final long MIN_DATA_RATE = 4 * 1024;
    /** How long a large review may wait in line for the large-body budget before it is answered 429. */
    static final long LINE_WAIT_MILLIS = 1000;
    private static final long CHECK_MILLIS = 1000;

    private final Endpoint endpoint;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AdmissionHandler handler;
    private final long started = System.nanoTime();
    /** One of the server's own warm-up requests: answered, but not counted, logged or observed. */
    private final boolean warmUp;
    private final AtomicBoolean answered = new AtomicBoolean();
    private ReviewStream stream;
    private byte[] scratch;
    private long reserved;
    private long reservedLarge;
    private boolean hasSlot;
    private long readingSince;
    private volatile long bodyBytes;
    /** When non-zero, the body is read to its end and dropped, then this is answered. */
    private int drainCode;
    private String drainMessage;
    private volatile Scheduler.Task timer;

    ReviewExchange(Endpoint endpoint, Request request, Response response, Callback callback, AdmissionHandler handler) {
        this.endpoint = endpoint;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.handler = handler;
        this.warmUp = handler.isWarmUp(request);
    }

    void start() {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!AdmissionHandler.isJson(contentType)) {
            reject(415, "Content-Type must be application/json, got "
                    + (contentType == null ? "none" : "'" + Messages.clip(contentType, 100) + "'"));
            return;
        }
        long max = handler.maxRequestBytes();
        long declared = request.getLength();
        if (declared > max) {
            reject(413, "request body of " + declared + " bytes is over the limit of " + max + " bytes");
            return;
        }
        if (!handler.budget().startReview()) {
            reject(429, "too many admission reviews in flight; try again");
            return;
        }
        hasSlot = true;
        long large = declared < 0 ? max : declared;
        if (large > ReviewBudget.SMALL_BODY) {
            reservedLarge = large;
            if (!handler.budget().reserveLarge(large, this)) {
                timer = schedule(this::waitedTooLong, LINE_WAIT_MILLIS);
                return;
            }
        }
        beginReading();
    }

    /** The large review's turn came: read its body (on a pool thread, not the releasing one). */
    @Override
    public void granted() {
        Scheduler.Task waiting = timer;
        if (waiting != null) {
            waiting.cancel();
        }
        request.getComponents().getExecutor().execute(this::beginReading);
    }

    private void waitedTooLong() {
        if (handler.budget().leaveLine(this)) {
            reservedLarge = 0;
            drainThenReject(429, "too many large admission reviews in flight; try again");
            beginReading();
        }
    }

    /**
     * Answers {@code code} once the rest of the body has been read and dropped, keeping nothing. An
     * answer sent while the client is still sending, followed by a close, can reach it as a reset
     * instead of the answer; with a known length there is a body end to wait for.
     */
    private synchronized void drainThenReject(int code, String message) {
        if (request.getLength() < 0) {
            reject(code, message);
            return;
        }
        drainCode = code;
        drainMessage = message;
        if (reserved > 0) {
            handler.budget().release(reserved);
            reserved = 0;
        }
    }

    private void beginReading() {
        if (answered.get()) {
            return;
        }
        stream = new ReviewStream();
        readingSince = System.nanoTime();
        run();
        // Most reviews arrive with their headers and are answered by now; only a body still on its
        // way needs the timer that checks its rate and deadline.
        // (Should the review be answered on another thread meanwhile, the check finds it answered.)
        if (!answered.get()) {
            timer = schedule(this::check, CHECK_MILLIS);
        }
    }

    private Scheduler.Task schedule(Runnable task, long millis) {
        return request.getComponents().getScheduler().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    /** Every second while the body is read: is it late, or arriving too slowly? */
    private void check() {
        if (answered.get()) {
            return;
        }
        long elapsedMillis = (System.nanoTime() - readingSince) / 1_000_000;
        long received = bodyBytes;
        if (elapsedMillis >= handler.bodyDeadline().toMillis()) {
            reject(408, "request body did not arrive within " + handler.bodyDeadline().toSeconds() + " s");
        } else if (received < MIN_DATA_RATE * (elapsedMillis - 1000) / 1000) {
            reject(408, "request body arrives too slowly: " + received + " bytes in " + elapsedMillis
                    + " ms, under the minimum of " + MIN_DATA_RATE + " bytes/s");
        } else {
            timer = schedule(this::check, CHECK_MILLIS);
        }
    }

    /** Reading and reviewing never wait: Jetty may call {@link #run} on the thread that read the bytes. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Reads what has arrived; asks to be called again when more does. */
    @Override
    public void run() {
        while (!answered.get()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                chunk.release();
                if (failure instanceof TimeoutException) {
                    reject(408, "request body did not arrive in time");
                } else {
                    reject(400, "request body could not be read: " + failure.getClass().getSimpleName());
                }
                return;
            }
            boolean last = chunk.isLast();
            int n = chunk.getByteBuffer().remaining();
            bodyBytes += n;
            if (bodyBytes > handler.maxRequestBytes()) {
                chunk.release();
                reject(413, "request body is over the limit of " + handler.maxRequestBytes() + " bytes");
                return;
            }
            if (drainCode != 0) {
                chunk.release();
                if (last) {
                    reject(drainCode, drainMessage);
                    return;
                }
                continue;
            }
            try {
                if (!consume(chunk.getByteBuffer())) {
                    return;
                }
            } catch (BadReviewException e) {
                drainThenReject(400, e.getMessage());
            } finally {
                chunk.release();
            }
            if (answered.get()) {
                return;
            }
            if (drainCode != 0) {
                if (last) {
                    reject(drainCode, drainMessage);
                    return;
                }
                continue;
            }
            if (last) {
                finish();
                return;
            }
        }
    }

    /** Feeds one chunk; {@code false} when the exchange was answered instead. */
    private synchronized boolean consume(ByteBuffer buffer) throws BadReviewException {
        if (answered.get()) {
            return false;
        }
        int n = buffer.remaining();
        if (n == 0) {
            return true;
        }
        // The chunk is held while it is tokenized: count it, and what the stream keeps of it.
        if (!reserveUpTo(stream.kept() + n)) {
            drainThenReject(429, "admission reviews in flight hold too much memory; try again");
            return true;
        }
        if (buffer.hasArray()) {
            stream.feed(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
        } else {
            // A chunk without an array: the connector asks for heap buffers, so only if Jetty hands one over anyway.
            if (scratch == null) {
                scratch = new byte[SCRATCH];
            }
            while (buffer.hasRemaining()) {
                int len = Math.min(buffer.remaining(), scratch.length);
                buffer.get(scratch, 0, len);
                stream.feed(scratch, 0, len);
            }
        }
        buffer.position(buffer.limit());
        long keep = stream.kept();
        if (!reserveUpTo(keep)) {
            drainThenReject(429, "admission reviews in flight hold too much memory; try again");
            return true;
        }
        handler.budget().release(reserved - keep);
        reserved = keep;
        return true;
    }

    private boolean reserveUpTo(long total) {
        if (total <= reserved) {
            return true;
        }
        if (!handler.budget().reserve(total - reserved)) {
            return false;
        }
        reserved = total;
        return true;
    }

    private void finish() {
        DecodedReview decoded;
        try {
            decoded = stream.finish();
        } catch (BadReviewException e) {
            reject(400, e.getMessage());
            return;
        }
        ReviewResult result;
        try {
            result = handler.reviewer().review(endpoint, decoded);
        } catch (RuntimeException e) {
            LOG.error("unexpected error serving POST {}", endpoint.path(), e);
            reject(500, "internal error; see the server log");
            return;
        }
        if (warmUp) {
            answer(200, result.body(), false);
            return;
        }
        handler.metrics().reviewed(endpoint.label(), result.caseLabel(), result.action());
        handler.log().reviewed(endpoint, result);
        if (answer(200, result.body(), false)) {
            handler.observer().reviewed(endpoint, result);
        }
    }

    private void reject(int code, String message) {
        if (answered.get()) {
            return;
        }
        handler.metrics().rejected(endpoint.label(), code);
        LOG.debug("{} answered {}: {}", endpoint.path(), code, message);
        // Unless the body was read to its end, unread bytes may be left on the connection: close it
        // after the answer (a 415 is answered before any of the body is read; Jetty discards a short
        // one itself, or closes).
        boolean drained = drainCode != 0 && request.getLength() >= 0 && bodyBytes >= request.getLength();
        answer(code, ErrorBodies.status(code, message), code != 415 && !drained);
    }

    /** Writes the one answer of this exchange; {@code false} when another path answered first. */
    private boolean answer(int code, byte[] body, boolean close) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        Scheduler.Task pending = timer;
        if (pending != null) {
            pending.cancel();
        }
        releaseBudget();
        response.setStatus(code);
        response.getHeaders().put(CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (code == 429) {
            response.getHeaders().put(RETRY_AFTER);
        }
        if (close) {
            response.getHeaders().put(CLOSE);
        }
        if (code != 200 || !warmUp) {
            handler.metrics().observeSeconds(endpoint.label(), (System.nanoTime() - started) / 1e9);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private synchronized void releaseBudget() {
        if (reserved > 0) {
            handler.budget().release(reserved);
            reserved = 0;
        }
        if (reservedLarge > 0) {
            handler.budget().releaseLarge(reservedLarge);
            reservedLarge = 0;
        }
        if (hasSlot) {
            handler.budget().endReview();
            hasSlot = false;
        }
    }
}
