package dev.deadlineguard.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the cluster the standard way (the {@code kubeconfig} system property or KUBECONFIG,
 * ~/.kube/config, or the in-cluster service account) and builds a client for it. Two cases stay
 * apart: no configuration at all (there is no cluster to guard: say so once) and a configuration
 * whose API server does not answer (yet: retry, see {@link ClusterConnector}).
 */
public final class ClusterConnection {

    /** The outcome of a one-shot connection: a connected client, or the reason there is none. */
    public record Result(KubernetesClient client, String problem) {
        public boolean connected() {
            return client != null;
        }
    }

    /** A cluster configuration that was found: where it came from and the client for it (not yet contacted). */
    public record Target(String source, KubernetesClient client) {
        public String masterUrl() {
            return client.getMasterUrl().toString();
        }
    }

    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    /** Per-request limits: a call that hangs must not hold a sweeper or report thread for long. */
    static final int REQUEST_TIMEOUT_MILLIS = 10_000;
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private ClusterConnection() {
    }

    /** Connects once and checks that the API server answers (for {@code sweep --once} and {@code audit --cluster}). */
    public static Result connect(Map<String, String> env) {
        return connect(env, null);
    }

    /** @param context the kubeconfig context to use, or {@code null} for the current one */
    public static Result connect(Map<String, String> env, String context) {
        String missing = missingConfiguration(env);
        if (missing != null) {
            return new Result(null, missing);
        }
        Target target = target(Config.autoConfigure(context), configurationSource(env));
        try {
            target.client().getKubernetesVersion();
            return new Result(target.client(), null);
        } catch (KubernetesClientException e) {
            target.client().close();
            return new Result(null, "the API server at " + target.masterUrl() + " (from " + target.source()
                    + ") is not reachable: " + ConnectionProblem.describe(e));
        }
    }

    /** Why there is no cluster configuration at all, or {@code null} when there is one. */
    public static String missingConfiguration(Map<String, String> env) {
        if (configurationSource(env) != null) {
            return null;
        }
        String kubeconfig = System.getProperty("kubeconfig", env.get("KUBECONFIG"));
        return kubeconfig != null && !kubeconfig.isBlank()
                ? "no cluster configuration found (the kubeconfig " + kubeconfig + " does not exist)"
                : "no cluster configuration found (no KUBECONFIG, no ~/.kube/config, not running in a pod)";
    }

    /** The client for the configuration found; call only when {@link #missingConfiguration} is {@code null}. */
    public static Target target(Map<String, String> env) {
        return target(Config.autoConfigure(null), configurationSource(env));
    }

    /** The client for a configuration read elsewhere, with this project's time-outs and retries. */
    public static Target target(Config config, String where) {
        config.setRequestTimeout(REQUEST_TIMEOUT_MILLIS);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        // One quick retry inside the client at most: the callers retry with their own backoff, and a
        // client that retries ten times hides an outage for 20 seconds per call.
        config.setRequestRetryBackoffLimit(1);
        config.setRequestRetryBackoffInterval(250);
        return new Target(where, new KubernetesClientBuilder().withConfig(config).build());
    }

    /** Where the configuration comes from, or {@code null} when there is none. */
    static String configurationSource(Map<String, String> env) {
        String property = System.getProperty("kubeconfig");
        if (property != null && !property.isBlank()) {
            return Files.isRegularFile(Path.of(property)) ? "kubeconfig " + property : null;
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            for (String file : kubeconfig.split(File.pathSeparator)) {
                if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
                    return "KUBECONFIG " + file;
                }
            }
            return null;
        }
        Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
        if (Files.isRegularFile(home)) {
            return home.toString();
        }
        if (env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isRegularFile(Path.of(SERVICE_ACCOUNT_TOKEN))) {
            return "the pod's service account";
        }
        return null;
    }
}
