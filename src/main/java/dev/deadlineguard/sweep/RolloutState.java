package dev.deadlineguard.sweep;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sweeper reads from an {@code argoproj.io/v1alpha1} Rollout: which pod-template hashes its
 * status still references, whether that status is current, and its scale-down delay.
 *
 * @param statusCurrent {@code status.observedGeneration} equals {@code metadata.generation}; otherwise the
 *                      status may lag behind the spec and the references cannot be trusted
 */
public record RolloutState(String namespace, String name, Set<String> referencedHashes, boolean statusCurrent,
                           Duration scaleDownDelay) {

    public RolloutState {
        referencedHashes = Set.copyOf(referencedHashes);
    }

    public static RolloutState of(GenericKubernetesResource rollout, Duration defaultDelay) {
        Map<String, Object> props = rollout.getAdditionalProperties();
        Map<?, ?> status = map(props.get("status"));
        Map<?, ?> spec = map(props.get("spec"));
        Set<String> hashes = new LinkedHashSet<>();
        add(hashes, status.get("stableRS"));
        add(hashes, status.get("currentPodHash"));
        Map<?, ?> blueGreen = map(status.get("blueGreen"));
        add(hashes, blueGreen.get("activeSelector"));
        add(hashes, blueGreen.get("previewSelector"));
        Map<?, ?> weights = map(map(status.get("canary")).get("weights"));
        add(hashes, map(weights.get("canary")).get("podTemplateHash"));
        add(hashes, map(weights.get("stable")).get("podTemplateHash"));
        if (weights.get("additional") instanceof List<?> additional) {
            additional.forEach(w -> add(hashes, map(w).get("podTemplateHash")));
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
        return new RolloutState(rollout.getMetadata().getNamespace(), rollout.getMetadata().getName(), hashes, current,
                scaleDownDelay);
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static void add(Set<String> hashes, Object value) {
        if (value instanceof String s && !s.isBlank()) {
            hashes.add(s);
        }
    }
}
