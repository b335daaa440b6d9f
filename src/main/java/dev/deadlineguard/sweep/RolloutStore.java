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
 * (pod template, managed fields, conditions...) is garbage at once. It tells {@link Changes} of every add, every
 * update to another resourceVersion and every removal, on the informer's thread.
 */
final class RolloutStore implements ItemStore<GenericKubernetesResource> {

    /** Hears that a Rollout was added, changed (another resourceVersion) or removed. */
    interface Changes {
        void changed(String namespace, String name);
    }

    /** A Rollout as kept: what the rules read, and the resourceVersion to tell a change from a resend. */
    private record Kept(RolloutState state, String resourceVersion) {
    }

    private final Duration defaultScaleDownDelay;
    private final Changes changes;
    private final Map<String, Kept> items = new ConcurrentHashMap<>();
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();

    RolloutStore(Duration defaultScaleDownDelay, Changes changes) {
        this.defaultScaleDownDelay = defaultScaleDownDelay;
        this.changes = changes;
    }

    /**
     * Not the full objects (true of this store anyway), and the reason to say so: for a store of full objects fabric8
     * holds back the add notifications of the first list and queues one per item (with the item) once the list is
     * done, 100,000 at once; otherwise it hands each over as the item is stored. Nothing listens to them (the store
     * tells the sweeper itself), but each is a task in fabric8's queue until it runs.
     */
    @Override
    public boolean isFullState() {
        return false;
    }

    @Override
    public String getKey(GenericKubernetesResource obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public synchronized GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        RolloutState state = RolloutState.of(obj, defaultScaleDownDelay);
        String namespace = state.namespace() == null ? null : namespaces.computeIfAbsent(state.namespace(), n -> n);
        if (namespace != state.namespace()) {
            state = new RolloutState(namespace, state.name(), state.uid(), state.references(), state.statusCurrent(),
                    state.scaleDownDelay());
        }
        String version = obj.getMetadata().getResourceVersion();
        Kept old = items.put(key, new Kept(state, version));
        if (old == null || !java.util.Objects.equals(old.resourceVersion(), version)) {
            changes.changed(state.namespace(), state.name());
        }
        return expand(old);
    }

    @Override
    public synchronized GenericKubernetesResource remove(String key) {
        Kept old = items.remove(key);
        if (old != null) {
            changes.changed(old.state().namespace(), old.state().name());
        }
        return expand(old);
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
        Kept kept = items.get(key);
        return kept == null ? null : kept.state();
    }

    /**
     * For the informer, which compares resourceVersions: only the Rollout's identity (namespace, name, uid,
     * resourceVersion).
     */
    private static GenericKubernetesResource expand(Kept kept) {
        if (kept == null) {
            return null;
        }
        RolloutState state = kept.state();
        GenericKubernetesResource rollout = new GenericKubernetesResource();
        rollout.setApiVersion(RolloutResources.ROLLOUTS.getGroup() + "/" + RolloutResources.ROLLOUTS.getVersion());
        rollout.setKind(RolloutResources.ROLLOUTS.getKind());
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(state.namespace());
        meta.setName(state.name());
        meta.setUid(state.uid());
        meta.setResourceVersion(kept.resourceVersion());
        rollout.setMetadata(meta);
        return rollout;
    }
}
