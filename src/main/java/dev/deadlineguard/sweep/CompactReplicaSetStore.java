package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store for ReplicaSets: a {@link CachedReplicaSet} per ReplicaSet, made as each object arrives (the
 * full object is garbage at once), and its own index from a Rollout ({@code namespace/name} of the controller
 * ownerReference, when that is a Rollout) to the keys of its ReplicaSets, so that the informer needs no indexers of
 * its own (fabric8's keep another copy of every key per index). The {@code namespace/name} key string is kept once,
 * and it is the string the store tells the {@link ReplicaSetCache.Listener} of each change, so that the deadline queue
 * holds the same string. What the informer itself gets back ({@link #get}, {@link #values}, the old object of
 * {@link #put} and {@link #remove}) is only an identity ({@link CachedReplicaSet#identity}); the cache reads
 * {@link #entry}. Writes come from the informer's thread; reads from any thread see a consistent entry (entries are
 * immutable, index arrays are replaced, not changed).
 */
final class CompactReplicaSetStore implements ItemStore<SlimReplicaSet> {

    /** The ReplicaSets whose controller is one Rollout (by name): keys, and the controller references they share. */
    private static final class RolloutGroup {
        volatile String[] keys = new String[0];
        ControllerRef[] owners = new ControllerRef[0];
    }

    private final Map<String, CachedReplicaSet> items = new ConcurrentHashMap<>();
    private final Map<String, RolloutGroup> byRollout = new ConcurrentHashMap<>();
    /** Strings many ReplicaSets share (namespaces, owner kinds and apiVersions); bounded by what the cluster names. */
    private final Map<String, String> shared = new ConcurrentHashMap<>();
    /** The annotation keys kept, each to itself (the instance kept). */
    private final Map<String, String> keptAnnotations = new HashMap<>();
    private final CachedReplicaSet.Sharing sharing = new CachedReplicaSet.Sharing() {
        @Override
        public String string(String value) {
            return share(value);
        }

        @Override
        public String keptAnnotation(String key) {
            return keptAnnotations.get(key);
        }

        @Override
        public ControllerRef controller(String namespace, ControllerRef ref) {
            if (ref.isRollout()) {
                RolloutGroup group = byRollout.get(namespace + "/" + ref.name());
                if (group != null) {
                    for (ControllerRef owner : group.owners) {
                        if (owner.equals(ref)) {
                            return owner;
                        }
                    }
                }
            }
            return new ControllerRef(share(ref.apiVersion()), share(ref.kind()), ref.name(), ref.uid());
        }
    };

    private final ReplicaSetCache.Listener listener;

    /**
     * @param guardedKeys the annotation keys the rules read besides the controller's deadline key and the revision
     * @param listener    told of every add, every update to another resourceVersion and every removal, on the
     *                    informer's thread, after the store has changed
     */
    CompactReplicaSetStore(Collection<String> guardedKeys, ReplicaSetCache.Listener listener) {
        this.listener = listener;
        for (String key : guardedKeys) {
            keptAnnotations.put(key, key);
        }
        keptAnnotations.put(ArgoReplicaSet.DEADLINE_KEY, ArgoReplicaSet.DEADLINE_KEY);
        keptAnnotations.put(ArgoReplicaSet.REVISION_ANNOTATION, ArgoReplicaSet.REVISION_ANNOTATION);
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
    public String getKey(SlimReplicaSet obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public synchronized SlimReplicaSet put(String key, SlimReplicaSet obj) {
        CachedReplicaSet old = items.get(key);
        String kept = old == null ? key : old.key;
        CachedReplicaSet entry = CachedReplicaSet.of(kept, obj, sharing);
        items.put(kept, entry);
        String group = rolloutKey(entry);
        boolean sameGroup = old != null && java.util.Objects.equals(rolloutKey(old), group);
        if (old != null && !sameGroup) {
            unindex(old);
        }
        if (group != null) {
            if (sameGroup) {
                refreshOwners(byRollout.get(group));
            } else {
                index(group, kept);
            }
        }
        if (old == null || !old.sameVersion(entry)) {
            listener.changed(kept);
        }
        // The informer tells an update from an add by this; only what the sweeper keeps of the old object is left.
        return old == null ? null : old.identity();
    }

    @Override
    public synchronized SlimReplicaSet remove(String key) {
        CachedReplicaSet old = items.remove(key);
        if (old == null) {
            return null;
        }
        unindex(old);
        listener.removed(old.namespace, old.name());
        return old.identity();
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<SlimReplicaSet> values() {
        return items.values().stream().map(CachedReplicaSet::identity);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public SlimReplicaSet get(String key) {
        CachedReplicaSet entry = items.get(key);
        return entry == null ? null : entry.identity();
    }

    /** The entry under {@code key}, or {@code null}. */
    CachedReplicaSet entry(String key) {
        return items.get(key);
    }

    /** The key string the store keeps for this key (the one instance it tells the listener), or {@code key} when absent. */
    String keyOf(String key) {
        CachedReplicaSet entry = items.get(key);
        return entry == null ? key : entry.key;
    }

    /** The keys of the ReplicaSets whose controller ownerReference names the Rollout {@code namespace/name}. */
    List<String> keysOfRollout(String namespace, String rolloutName) {
        RolloutGroup group = byRollout.get(namespace + "/" + rolloutName);
        return group == null ? List.of() : Arrays.asList(group.keys);
    }

    /** The ReplicaSets whose controller ownerReference names the Rollout {@code namespace/name}, as the rules see them. */
    List<ArgoReplicaSet> ofRollout(String namespace, String rolloutName) {
        List<ArgoReplicaSet> result = new ArrayList<>();
        for (String key : keysOfRollout(namespace, rolloutName)) {
            CachedReplicaSet entry = items.get(key);
            if (entry != null) {
                result.add(entry.toArgo());
            }
        }
        return result;
    }

    /** {@code namespace/rolloutName} when a Rollout controls the ReplicaSet (what the rules call its Rollout). */
    private static String rolloutKey(CachedReplicaSet entry) {
        return entry.controller != null && entry.controller.isRollout()
                ? entry.namespace + "/" + entry.controller.name() : null;
    }

    private void index(String group, String key) {
        RolloutGroup g = byRollout.computeIfAbsent(group, k -> new RolloutGroup());
        String[] keys = Arrays.copyOf(g.keys, g.keys.length + 1);
        keys[keys.length - 1] = key;
        g.keys = keys;
        refreshOwners(g);
    }

    private void unindex(CachedReplicaSet old) {
        String group = rolloutKey(old);
        if (group == null) {
            return;
        }
        RolloutGroup g = byRollout.get(group);
        if (g == null) {
            return;
        }
        String[] keys = Arrays.stream(g.keys).filter(k -> !k.equals(old.key)).toArray(String[]::new);
        if (keys.length == 0) {
            byRollout.remove(group);
            return;
        }
        g.keys = keys;
        refreshOwners(g);
    }

    /** The distinct controller references of a group's entries (usually one: the Rollout's uid). */
    private void refreshOwners(RolloutGroup g) {
        List<ControllerRef> owners = new ArrayList<>(1);
        for (String key : g.keys) {
            CachedReplicaSet entry = items.get(key);
            if (entry != null && entry.controller != null && !owners.contains(entry.controller)) {
                owners.add(entry.controller);
            }
        }
        g.owners = owners.toArray(ControllerRef[]::new);
    }

    private String share(String value) {
        return value == null ? null : shared.computeIfAbsent(value, v -> v);
    }
}
