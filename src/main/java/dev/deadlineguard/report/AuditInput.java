package dev.deadlineguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.admission.JsonSyntax;
import dev.deadlineguard.admission.Messages;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@code kubectl get rs,rollouts -A -o json} (or {@code -o yaml}) prints: a {@code List} of
 * ReplicaSets and Rollouts, a {@code ReplicaSetList}, or a bare JSON array of ReplicaSets.
 * Objects of other kinds are counted and left out; objects that cannot be read are reported.
 */
public final class AuditInput {

    /** What was read, what was left out, and what could not be read. */
    public record Parsed(List<ReplicaSet> replicaSets, List<GenericKubernetesResource> rollouts, int otherKinds,
                         List<String> problems) {
    }

    /** The input as a whole is not a list of Kubernetes objects. */
    public static final class UnreadableInput extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableInput(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper YAML = new YAMLMapper();
    /** Binds items to fabric8 models (a plain mapper: the strict admission one rejects tree-binding quirks). */
    private static final ObjectMapper MODELS = new ObjectMapper();

    private AuditInput() {
    }

    public static Parsed parse(byte[] input) throws UnreadableInput {
        JsonNode root;
        try {
            root = looksLikeJson(input)
                    ? Json.MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(input)
                    : YAML.readTree(input);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UnreadableInput("input is neither JSON nor YAML: " + JsonSyntax.describe(e));
        } catch (IOException e) {
            throw new UnreadableInput("input could not be read");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new UnreadableInput("input is empty; expected the output of kubectl get rs,rollouts -A -o json");
        }
        JsonNode items;
        if (root.isArray()) {
            items = root;
        } else if (root.isObject() && root.path("kind").asText("").endsWith("List") && root.get("items") != null
                && root.get("items").isArray()) {
            items = root.get("items");
        } else if (root.isObject() && root.has("kind")) {
            throw new UnreadableInput("input is a single " + Messages.clip(root.path("kind").asText(), 64)
                    + ", not a List; run kubectl get rs,rollouts -A -o json");
        } else {
            throw new UnreadableInput("input is not a Kubernetes List (no kind ...List with items)");
        }
        List<ReplicaSet> replicaSets = new ArrayList<>();
        List<GenericKubernetesResource> rollouts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int other = 0;
        int index = 0;
        for (JsonNode item : items) {
            String kind = item.path("kind").asText("");
            String apiVersion = item.path("apiVersion").asText("");
            String where = "item " + index++ + " (" + (kind.isEmpty() ? "no kind" : kind) + " "
                    + Messages.clip(item.path("metadata").path("namespace").asText("") + "/"
                    + item.path("metadata").path("name").asText(""), 120) + ")";
            try {
                if ("ReplicaSet".equals(kind) && "apps/v1".equals(apiVersion)) {
                    ReplicaSet rs = MODELS.treeToValue(item, ReplicaSet.class);
                    requireNamed(rs.getMetadata() == null ? null : rs.getMetadata().getNamespace(),
                            rs.getMetadata() == null ? null : rs.getMetadata().getName());
                    replicaSets.add(rs);
                } else if ("Rollout".equals(kind) && apiVersion.startsWith("argoproj.io/")) {
                    GenericKubernetesResource rollout = MODELS.treeToValue(item, GenericKubernetesResource.class);
                    requireNamed(rollout.getMetadata() == null ? null : rollout.getMetadata().getNamespace(),
                            rollout.getMetadata() == null ? null : rollout.getMetadata().getName());
                    rollouts.add(rollout);
                } else {
                    other++;
                }
            } catch (IOException | IllegalArgumentException e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                problems.add(where + " cannot be judged: " + Messages.clip(message, 200));
            }
        }
        return new Parsed(replicaSets, rollouts, other, problems);
    }

    private static void requireNamed(String namespace, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metadata.name is missing");
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("metadata.namespace is missing");
        }
    }

    private static boolean looksLikeJson(byte[] input) {
        for (byte b : input) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return false;
    }
}
