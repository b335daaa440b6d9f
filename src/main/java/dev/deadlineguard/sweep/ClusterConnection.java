package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the cluster the standard way (the {@code kubeconfig} system property or KUBECONFIG, ~/.kube/config,
 * or the in-cluster service account)
 * and checks that its API server answers, so that a caller can say clearly why there is no sweeper.
 */
public final class ClusterConnection {

    /** The outcome: a connected client, or the reason there is none. */
    public record Result(KubernetesClient client, String problem) {
        public boolean connected() {
            return client != null;
        }
    }

    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private ClusterConnection() {
    }

    public static Result connect(Map<String, String> env) {
        return connect(env, null);
    }

    /** @param context the kubeconfig context to use, or {@code null} for the current one */
    public static Result connect(Map<String, String> env, String context) {
        String where = configurationSource(env);
        if (where == null) {
            String kubeconfig = System.getProperty("kubeconfig", env.get("KUBECONFIG"));
            return new Result(null, kubeconfig != null && !kubeconfig.isBlank()
                    ? "no cluster configuration found (the kubeconfig " + kubeconfig + " does not exist)"
                    : "no cluster configuration found (no KUBECONFIG, no ~/.kube/config, not running in a pod)");
        }
        Config config = Config.autoConfigure(context);
        config.setRequestTimeout(10_000);
        config.setConnectionTimeout(5_000);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            client.getKubernetesVersion();
            return new Result(client, null);
        } catch (KubernetesClientException e) {
            client.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(null, "the API server at " + config.getMasterUrl() + " (from " + where + ") is not reachable: "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
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
