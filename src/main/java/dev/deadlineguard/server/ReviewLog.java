package dev.deadlineguard.server;

import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.policy.AdmissionInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The log line of a repair, denial, warning or fail-open, at most once per {@link #INTERVAL_NANOS}
 * for each ReplicaSet, endpoint, case and action; the line after a quiet spell says how many were
 * left out. A controller bug that repeats the same write thousands of times a second (the bug this
 * project guards against does) then costs a line every ten seconds, not a line per review.
 * Allowed reviews are never logged.
 */
final class ReviewLog {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewLog.class);
    static final long INTERVAL_NANOS = 10_000_000_000L;
    /** Distinct keys remembered at most; beyond it the memory is dropped (some lines repeat early). */
    static final int MAX_KEYS = 10_000;

    private record Key(String endpoint, String namespace, String name, String deadlineCase, String action) {
    }

    /** When the key was last logged, and how many reviews were left out since. */
    private static final class Window {
        volatile long loggedAt;
        final AtomicLong suppressed = new AtomicLong();

        Window(long loggedAt) {
            this.loggedAt = loggedAt;
        }
    }

    /**
     * Whether a review with these facts is logged now: {@code -1} when it is left out, else how many
     * like it were left out since the last line.
     */
    long admit(String endpoint, String namespace, String name, String deadlineCase, String action) {
        Key key = new Key(endpoint, namespace, name, deadlineCase, action);
        long now = nanoTime.getAsLong();
        Window window = windows.get(key);
        if (window == null) {
            if (windows.size() >= MAX_KEYS) {
                windows.clear();
            }
            window = windows.putIfAbsent(key, new Window(now));
            if (window == null) {
                return 0;
            }
        }
        synchronized (window) {
            if (now - window.loggedAt < INTERVAL_NANOS) {
                window.suppressed.incrementAndGet();
                return -1;
            }
            window.loggedAt = now;
            return window.suppressed.getAndSet(0);
        }
    }

    private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    ReviewLog() {
        this(System::nanoTime);
    }

    ReviewLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    void reviewed(Endpoint endpoint, ReviewResult result) {
        if (ReviewResult.ALLOW.equals(result.action())) {
            return;
        }
        AdmissionInput input = result.review().input();
        long repeated = admit(endpoint.path(), input.namespace(), input.name(), result.caseLabel(), result.action());
        if (repeated < 0) {
            return;
        }
        LOG.atInfo()
                .addKeyValue("namespace", input.namespace())
                .addKeyValue("replicaset", input.name())
                .addKeyValue("uid", input.object() == null ? null : input.object().uid())
                .addKeyValue("review_uid", result.review().uid())
                .addKeyValue("case", result.caseLabel())
                .addKeyValue("action", result.action())
                .log("{} {} uid={} user={} case={} action={}{}{}", endpoint.path(), input.displayName(),
                        result.review().uid(), input.username(), result.caseLabel(), result.action(),
                        input.dryRun() ? " dryRun" : "",
                        repeated > 0 ? " (and " + repeated + " more like it in the last "
                                + (INTERVAL_NANOS / 1_000_000_000L) + " s, not logged)" : "");
    }
}
