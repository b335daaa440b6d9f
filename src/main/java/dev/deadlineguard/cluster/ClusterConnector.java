package dev.deadlineguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reaches the API server in the background and keeps trying, with capped, jittered backoff, until it
 * answers; then hands the client on once. Admission never waits for it. The cause of a failure is
 * logged in words when it changes, not once per attempt.
 */
public final class ClusterConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnector.class);

    private final Supplier<ClusterConnection.Target> targets;
    private volatile ClusterConnection.Target target;
    private final Backoff backoff;
    private final Consumer<KubernetesClient> onConnected;
    private final Thread thread;
    private volatile boolean connected;
    private volatile String problem = "not tried yet";

    /**
     * @param targets builds the client, on the connector's thread: loading the client's classes takes a
     *                while, and admission must not wait for it
     */
    public ClusterConnector(Supplier<ClusterConnection.Target> targets, Backoff backoff, Consumer<KubernetesClient> onConnected) {
        this.targets = targets;
        this.backoff = backoff;
        this.onConnected = onConnected;
        this.thread = new Thread(this::run, "cluster-connect");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The API server has answered once (the informers and the lease ride out later outages on their own). */
    public boolean connected() {
        return connected;
    }

    /** Why it is not connected yet, or {@code null} once it is. */
    public String problem() {
        return connected ? null : problem;
    }

    /** The client, connected or not, or {@code null} before it was built (closing it is the owner's job). */
    public KubernetesClient client() {
        ClusterConnection.Target t = target;
        return t == null ? null : t.client();
    }


    private void run() {
        target = targets.get();
        String logged = null;
        int attempts = 0;
        while (!Thread.currentThread().isInterrupted()) {
            attempts++;
            try {
                VersionInfo version = target.client().getKubernetesVersion();
                connected = true;
                LOG.info("connected to the API server at {} (from {}, Kubernetes {}){}", target.masterUrl(),
                        target.source(), version == null || version.getGitVersion() == null ? "version unknown"
                                : version.getGitVersion(),
                        attempts > 1 ? " after " + attempts + " attempts" : "");
                onConnected.accept(target.client());
                return;
            } catch (RuntimeException e) {
                problem = ConnectionProblem.describe(e);
                if (!problem.equals(logged)) {
                    logged = problem;
                    LOG.warn("cannot reach the API server at {} (from {}): {}; serving admission meanwhile and retrying "
                                    + "with backoff (at most every {}) until it answers", target.masterUrl(), target.source(),
                            problem, Backoff.describe(backoff.max()));
                }
            }
            try {
                Thread.sleep(backoff.delay(attempts, ThreadLocalRandom.current()::nextDouble).toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops trying; joins the thread so that no connection is handed on after close. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
