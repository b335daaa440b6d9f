package dev.deadlineguard.fuzz;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input with a time limit and turns a hang into a finding that shows where the stuck
 * thread is. JUnit's {@code @Timeout} cannot do this for a fuzz test: while fuzzing, the whole fuzzing
 * session is one JUnit invocation, so it would time out the session instead of the input.
 */
final class Watchdog {

    /** Far above the milliseconds one review takes, even on a loaded 2-core machine. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private static ExecutorService worker = newWorker();
    private static volatile Thread current;

    private Watchdog() {
    }

    static void run(Runnable body) {
        run(body, LIMIT);
    }

    static synchronized void run(Runnable body, Duration limit) {
        Future<?> result = worker.submit(() -> {
            current = Thread.currentThread();
            body.run();
        });
        try {
            result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError("hang: one input ran for over " + limit.toMillis() + " ms");
            Thread stuck = current;
            if (stuck != null) {
                Throwable where = new Throwable("where the input was stuck (thread " + stuck.getName() + ")");
                where.setStackTrace(stuck.getStackTrace());
                hang.initCause(where);
            }
            result.cancel(true);
            worker.shutdownNow();
            worker = newWorker();  // the stuck thread may never return; later inputs get a fresh one
            throw hang;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the input", e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "review-fuzz-input");
            t.setDaemon(true);
            return t;
        });
    }
}
