package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One rendered kustomization: every document, parsed strictly into its model. */
final class Rendered {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** apiVersion + kind -> model class; a document of any other type fails the render. */
    static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("batch/v1/CronJob", CronJob.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", MutatingWebhookConfiguration.class),
            Map.entry("admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration", ValidatingWebhookConfiguration.class));

    /** cert-manager kinds, kept as generic maps (no model on the test classpath). */
    static final List<String> CERT_MANAGER = List.of("cert-manager.io/v1/Issuer", "cert-manager.io/v1/Certificate");
    /** Prometheus Operator kinds, kept as generic maps too. */
    static final List<String> MONITORING = List.of("monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    final Path dir;
    final List<HasMetadata> typed = new ArrayList<>();
    final List<Map<String, Object>> certManager = new ArrayList<>();
    final List<Map<String, Object>> monitoring = new ArrayList<>();
    // Shared between tests through the cache: tests read these, never change them.

    private Rendered(Path dir) {
        this.dir = dir;
    }

    private static final Map<Path, Rendered> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** The rendered and parsed kustomization in {@code dir} (rendered and parsed once per test run; read only). */
    static Rendered of(Path dir) {
        return CACHE.computeIfAbsent(dir, d -> parse(d, Kustomize.render(d)));
    }

    static Rendered parse(Path dir, String yaml) {
        Rendered rendered = new Rendered(dir);
        int index = 0;
        for (JsonNode doc : documents(yaml)) {
            String where = dir + " document " + index++ + " (" + doc.path("kind").asText("?") + " "
                    + doc.path("metadata").path("name").asText("?") + ")";
            String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            Class<? extends HasMetadata> model = TYPED.get(type);
            if (model != null) {
                rendered.typed.add(StrictModels.parse(doc, model, where));
            } else if (CERT_MANAGER.contains(type)) {
                rendered.certManager.add(YAML.convertValue(doc, LinkedHashMap.class));
            } else if (MONITORING.contains(type)) {
                rendered.monitoring.add(YAML.convertValue(doc, LinkedHashMap.class));
            } else {
                throw new AssertionError(where + ": unexpected type " + type + " (add it to Rendered.TYPED with its model)");
            }
        }
        return rendered;
    }

    /** The YAML stream split into its documents (empty documents skipped). */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The one object of {@code type}; fails when there is none or more than one. */
    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError(dir + ": expected exactly one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The one Prometheus Operator object of {@code kind}; fails when there is none or more than one. */
    Map<String, Object> monitoring(String kind) {
        List<Map<String, Object>> found = monitoring.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        if (found.size() != 1) {
            throw new AssertionError(dir + ": expected exactly one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    List<Map<String, Object>> certManager(String kind) {
        return certManager.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    }

    /** The cert-manager object {@code kind}/{@code name} in {@code namespace}, or null. */
    Map<String, Object> certManager(String kind, String namespace, String name) {
        return certManager(kind).stream()
                .filter(m -> Objects.equals(Maps.at(m, "metadata", "namespace"), namespace)
                        && Objects.equals(Maps.at(m, "metadata", "name"), name))
                .findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
