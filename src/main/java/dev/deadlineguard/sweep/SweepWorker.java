package dev.deadlineguard.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The loop that runs on the leader: processes what is due, then sleeps until the earliest key in the
 * queue is due or the queue changes, re-checking the clock at least every second. {@link #stop()}
 * returns only once the loop has ended, so that a replica that lost its lease never writes again
 * before it campaigns anew.
 */
final class SweepWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SweepWorker.class);
    /** The worker re-checks the clock at least this often. */
    static final long MAX_WAIT_MILLIS = 1000;
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final DeadlineQueue queue;
    private final Clock clock;
    private final IntSupplier runDue;
    private Thread thread;

    SweepWorker(DeadlineQueue queue, Clock clock, IntSupplier runDue) {
        this.queue = queue;
        this.clock = clock;
        this.runDue = runDue;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = new Thread(() -> loop(), "sweeper");
        t.setDaemon(true);
        thread = t;
        t.start();
        LOG.info("sweeper worker started");
    }

    /** Stops the loop and waits for it to end (an API call in flight is interrupted). */
    void stop() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        queue.wake();
        if (t != Thread.currentThread()) {
            try {
                t.join(JOIN_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.error("sweeper worker did not stop within {}s", JOIN_TIMEOUT.toSeconds());
                return;
            }
        }
        LOG.info("sweeper worker stopped");
    }

    synchronized boolean running() {
        return thread != null;
    }

    private synchronized boolean current() {
        return thread == Thread.currentThread();
    }

    private void loop() {
        while (current()) {
            try {
                runDue.getAsInt();
                long wait = queue.nextDue()
                        .map(next -> Duration.between(clock.instant(), next).toMillis())
                        .orElse(MAX_WAIT_MILLIS);
                queue.awaitChange(Math.max(1, Math.min(wait, MAX_WAIT_MILLIS)));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!current()) {
                    return;
                }
                LOG.error("sweeper loop error", e);
            }
        }
    }
}
