package dev.deadlineguard.sweep;

import dev.deadlineguard.core.RolloutState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store for Rollouts: each Rollout as the {@link RolloutState} the rules read (uid, the hashes its
 * status references, whether that status is current, its scale-down delay), made as it arrives; the Rollout itself
 * (pod template, managed fields, conditions...) is garbage at once.
 */
final class RolloutStore implements ItemStore<GenericKubernetesResource> {

    private final Duration defaultScaleDownDelay;
    private final Map<String, RolloutState> items = new ConcurrentHashMap<>();
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();

    RolloutStore(Duration defaultScaleDownDelay) {
        this.defaultScaleDownDelay = defaultScaleDownDelay;
    }

    @Override
    public String getKey(GenericKubernetesResource obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        RolloutState state = RolloutState.of(obj, defaultScaleDownDelay);
        String namespace = state.namespace() == null ? null : namespaces.computeIfAbsent(state.namespace(), n -> n);
        if (namespace != state.namespace()) {
            state = new RolloutState(namespace, state.name(), state.uid(), state.references(), state.statusCurrent(),
                    state.scaleDownDelay());
        }
        return expand(items.put(key, state));
    }

    @Override
    public GenericKubernetesResource remove(String key) {
        return expand(items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<GenericKubernetesResource> values() {
        return items.values().stream().map(RolloutStore::expand);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public GenericKubernetesResource get(String key) {
        return expand(items.get(key));
    }

    /** What the rules read of the Rollout under {@code namespace/name}, or {@code null}. */
    RolloutState state(String key) {
        return items.get(key);
    }

    /**
     * For the informer, which hands the old object to update and delete handlers: only its identity (namespace, name,
     * uid), which is all the cache's handlers read.
     */
    private static GenericKubernetesResource expand(RolloutState state) {
        if (state == null) {
            return null;
        }
        GenericKubernetesResource rollout = new GenericKubernetesResource();
        rollout.setApiVersion(RolloutResources.ROLLOUTS.getGroup() + "/" + RolloutResources.ROLLOUTS.getVersion());
        rollout.setKind(RolloutResources.ROLLOUTS.getKind());
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(state.namespace());
        meta.setName(state.name());
        meta.setUid(state.uid());
        rollout.setMetadata(meta);
        return rollout;
    }
}
