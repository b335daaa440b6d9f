package dev.deadlineguard.core;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What deadline-guard reads from an {@code argoproj.io/v1alpha1} Rollout: its uid (ownership is by uid), which
 * pod-template hashes its status still references and as what, whether that status is current, and its scale-down
 * delay.
 *
 * @param references    pod-template hash to the role the status gives it ({@code stable}, {@code current},
 *                      {@code active}, {@code preview}, {@code canary}, {@code additional}; several joined by
 *                      {@code ,}), in the order the status names them
 * @param statusCurrent {@code status.observedGeneration} equals {@code metadata.generation}; otherwise the
 *                      status may lag behind the spec and the references cannot be trusted
 */
public record RolloutState(String namespace, String name, String uid, Map<String, String> references,
                           boolean statusCurrent, Duration scaleDownDelay) {

    public RolloutState {
        references = Map.copyOf(references);
    }

    public static RolloutState of(GenericKubernetesResource rollout, Duration defaultDelay) {
        Map<String, Object> props = rollout.getAdditionalProperties();
        Map<?, ?> status = map(props.get("status"));
        Map<?, ?> spec = map(props.get("spec"));
        Map<String, String> refs = new LinkedHashMap<>();
        add(refs, status.get("stableRS"), "stable");
        add(refs, status.get("currentPodHash"), "current");
        Map<?, ?> blueGreen = map(status.get("blueGreen"));
        add(refs, blueGreen.get("activeSelector"), "active");
        add(refs, blueGreen.get("previewSelector"), "preview");
        Map<?, ?> weights = map(map(status.get("canary")).get("weights"));
        add(refs, map(weights.get("canary")).get("podTemplateHash"), "canary");
        add(refs, map(weights.get("stable")).get("podTemplateHash"), "stable");
        if (weights.get("additional") instanceof List<?> additional) {
            additional.forEach(w -> add(refs, map(w).get("podTemplateHash"), "additional"));
        }
        Long generation = rollout.getMetadata().getGeneration();
        Object observed = status.get("observedGeneration");
        boolean current = generation != null && observed != null && String.valueOf(generation).equals(String.valueOf(observed));
        Map<?, ?> strategy = map(spec.get("strategy"));
        Object delay = map(strategy.get("blueGreen")).get("scaleDownDelaySeconds");
        if (delay == null) {
            delay = map(strategy.get("canary")).get("scaleDownDelaySeconds");
        }
        Duration scaleDownDelay = delay instanceof Number n && n.longValue() >= 0 ? Duration.ofSeconds(n.longValue()) : defaultDelay;
        return new RolloutState(rollout.getMetadata().getNamespace(), rollout.getMetadata().getName(),
                rollout.getMetadata().getUid(), refs, current, scaleDownDelay);
    }

    /** The role the status gives a pod-template hash, or {@code null} when it does not reference it. */
    public String referenceOf(String hash) {
        return hash == null ? null : references.get(hash);
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static void add(Map<String, String> refs, Object value, String role) {
        if (value instanceof String s && !s.isBlank()) {
            refs.merge(s, role, (a, b) -> List.of(a.split(",")).contains(b) ? a : a + "," + b);
        }
    }
}
