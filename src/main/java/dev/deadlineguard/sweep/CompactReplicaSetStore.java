package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store for ReplicaSets, keeping only what the sweeper decides on and writes with:
 * name, namespace, uid, resourceVersion, generation, labels, annotations, owner references, the
 * deletion timestamp and {@code spec.replicas}; the pod template, the selector, the status and
 * {@code managedFields} are dropped as each object arrives. Labels and annotations are kept as flat
 * arrays, and the strings many ReplicaSets share (keys, namespaces, owner kinds and names) are
 * shared. Reads give back a ReplicaSet with just those fields. With 100,000 guarded ReplicaSets the
 * full objects (pod templates and managed fields of several KiB each) would not fit a 256 MiB pod.
 */
final class CompactReplicaSetStore implements ItemStore<ReplicaSet> {

    /** One ReplicaSet as kept: flat, with shared strings. */
    record Compact(String namespace, String name, String uid, String resourceVersion, Long generation,
                   String deletionTimestamp, String[] labels, String[] annotations, OwnerReference[] owners,
                   Integer replicas) {
    }

    private final Map<String, Compact> items = new ConcurrentHashMap<>();
    private final Map<String, String> shared = new ConcurrentHashMap<>();

    @Override
    public String getKey(ReplicaSet obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public ReplicaSet put(String key, ReplicaSet obj) {
        return expand(items.put(key, compact(obj)));
    }

    @Override
    public ReplicaSet remove(String key) {
        return expand(items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<ReplicaSet> values() {
        return items.values().stream().map(CompactReplicaSetStore::expand);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public ReplicaSet get(String key) {
        return expand(items.get(key));
    }

    Compact compact(ReplicaSet rs) {
        ObjectMeta meta = rs.getMetadata();
        OwnerReference[] owners = null;
        if (meta.getOwnerReferences() != null && !meta.getOwnerReferences().isEmpty()) {
            owners = new OwnerReference[meta.getOwnerReferences().size()];
            for (int i = 0; i < owners.length; i++) {
                OwnerReference ref = meta.getOwnerReferences().get(i);
                OwnerReference slim = new OwnerReference();
                slim.setApiVersion(share(ref.getApiVersion()));
                slim.setKind(share(ref.getKind()));
                slim.setName(share(ref.getName()));
                slim.setUid(ref.getUid());
                slim.setController(ref.getController());
                slim.setBlockOwnerDeletion(ref.getBlockOwnerDeletion());
                owners[i] = slim;
            }
        }
        Integer replicas = rs.getSpec() == null ? null : rs.getSpec().getReplicas();
        return new Compact(share(meta.getNamespace()), meta.getName(), meta.getUid(), meta.getResourceVersion(),
                meta.getGeneration(), meta.getDeletionTimestamp(), flat(meta.getLabels(), true), flat(meta.getAnnotations(), false),
                owners, replicas);
    }

    static ReplicaSet expand(Compact c) {
        if (c == null) {
            return null;
        }
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(c.namespace());
        meta.setName(c.name());
        meta.setUid(c.uid());
        meta.setResourceVersion(c.resourceVersion());
        meta.setGeneration(c.generation());
        meta.setDeletionTimestamp(c.deletionTimestamp());
        meta.setLabels(map(c.labels()));
        meta.setAnnotations(map(c.annotations()));
        meta.setOwnerReferences(c.owners() == null ? null : List.of(c.owners()));
        ReplicaSet rs = new ReplicaSet();
        rs.setApiVersion("apps/v1");
        rs.setKind("ReplicaSet");
        rs.setMetadata(meta);
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(c.replicas());
        rs.setSpec(spec);
        return rs;
    }

    /** Keys (and, for labels other than the per-ReplicaSet hash, values) are shared between ReplicaSets. */
    private String[] flat(Map<String, String> map, boolean labels) {
        if (map == null) {
            return null;
        }
        String[] flat = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            flat[i++] = share(e.getKey());
            flat[i++] = labels && !ArgoReplicaSet.HASH_LABEL.equals(e.getKey()) ? share(e.getValue()) : e.getValue();
        }
        return flat;
    }

    private static Map<String, String> map(String[] flat) {
        if (flat == null) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>(flat.length);
        for (int i = 0; i < flat.length; i += 2) {
            map.put(flat[i], flat[i + 1]);
        }
        return map;
    }

    private String share(String value) {
        return value == null ? null : shared.computeIfAbsent(value, v -> v);
    }
}
