package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.Canonical;
import dev.deadlineguard.core.ControllerRef;
import dev.deadlineguard.core.Rfc3339;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One ReplicaSet as the sweeper's cache keeps it: exactly what {@link ArgoReplicaSet} reads for the sweeper's
 * decisions and what its writes and Events name, in as few bytes as that allows, since every replica holds one per
 * Argo-managed ReplicaSet of the cluster (100,000 in a 256 MiB pod). Kept: the {@code namespace/name} key (one string,
 * shared with the cache's map and the deadline queue), uid, resourceVersion, the pod-template-hash label, the
 * annotations the rules read (the guarded keys and the revision), {@code spec.replicas}, the deletion timestamp and
 * the controller ownerReference (one object shared by the ReplicaSets of a Rollout). Everything else (other labels and
 * annotations, other owners, generation, the pod template, the status, {@code managedFields}) is dropped.
 *
 * <p>Values in the shape the API server writes them are packed into numbers, and anything else is kept as its text,
 * so that every value reads back exactly as it came: a uid in canonical UUID form as two longs, a canonical decimal
 * resourceVersion as a long, a hash label equal to the name's last {@code -} segment (as Argo names them) as nothing,
 * a revision in canonical decimal as an int, and {@code scale-down-deadline} in the form Argo writes it
 * ({@code 2024-08-01T15:13:36Z}) as epoch seconds.
 */
final class CachedReplicaSet {

    private static final byte HAS_ANNOTATIONS = 1;
    private static final byte REPLICAS_ABSENT = 2;
    private static final byte HASH_IS_NAME_SUFFIX = 4;
    private static final byte DEADLINE_PACKED = 8;
    private static final byte UID_PACKED = 16;
    private static final byte VERSION_PACKED = 32;
    private static final int NO_REVISION = -1;

    /** {@code namespace/name}. */
    final String key;
    /** Shared between the ReplicaSets of a namespace. */
    final String namespace;
    private final long uidHigh;
    private final long uidLow;
    /** The uid when it is not a canonical UUID, else {@code null}. */
    private final String uidText;
    private final long version;
    private final String versionText;
    /** The hash label's value unless it is the name's suffix (then {@code null}, as when there is no label). */
    private final String hashText;
    private final int replicas;
    private final int revision;
    private final long deadlineSeconds;
    /** Kept annotations not packed above, as key, value, key, value (keys shared). */
    private final String[] annotations;
    /** Shared between the ReplicaSets a Rollout controls. */
    final ControllerRef controller;
    private final String deletionTimestamp;
    private final byte flags;

    private CachedReplicaSet(String key, String namespace, long uidHigh, long uidLow, String uidText, long version,
                             String versionText, String hashText, int replicas, int revision, long deadlineSeconds,
                             String[] annotations, ControllerRef controller, String deletionTimestamp, byte flags) {
        this.key = key;
        this.namespace = namespace;
        this.uidHigh = uidHigh;
        this.uidLow = uidLow;
        this.uidText = uidText;
        this.version = version;
        this.versionText = versionText;
        this.hashText = hashText;
        this.replicas = replicas;
        this.revision = revision;
        this.deadlineSeconds = deadlineSeconds;
        this.annotations = annotations;
        this.controller = controller;
        this.deletionTimestamp = deletionTimestamp;
        this.flags = flags;
    }

    /** What the store shares between entries: strings and controller references. */
    interface Sharing {
        String string(String value);

        /** The annotation key as kept (shared), or {@code null} when the sweeper does not keep that annotation. */
        String keptAnnotation(String key);

        /** The controller reference to keep: an equal one already kept for the same Rollout, or a new one. */
        ControllerRef controller(String namespace, ControllerRef ref);
    }

    static CachedReplicaSet of(String key, SlimReplicaSet rs, Sharing sharing) {
        ObjectMeta meta = rs.getMetadata();
        String name = meta.getName();
        byte flags = 0;

        long uidHigh = 0;
        long uidLow = 0;
        String uidText = meta.getUid();
        UUID uuid = Canonical.uuid(uidText);
        if (uuid != null) {
            uidHigh = uuid.getMostSignificantBits();
            uidLow = uuid.getLeastSignificantBits();
            uidText = null;
            flags |= UID_PACKED;
        }

        long version = 0;
        String versionText = meta.getResourceVersion();
        if (Canonical.decimal(versionText, 18)) {
            version = Long.parseLong(versionText);
            versionText = null;
            flags |= VERSION_PACKED;
        }

        String hash = meta.getLabels() == null ? null : meta.getLabels().get(ArgoReplicaSet.HASH_LABEL);
        String hashText = hash;
        if (hash != null && !hash.isEmpty() && hash.indexOf('-') < 0 && name != null && name.length() > hash.length()
                && name.endsWith(hash)
                && name.charAt(name.length() - hash.length() - 1) == '-') {
            hashText = null;
            flags |= HASH_IS_NAME_SUFFIX;
        }

        int revision = NO_REVISION;
        long deadlineSeconds = 0;
        String[] kept = null;
        Map<String, String> source = meta.getAnnotations();
        if (source != null) {
            flags |= HAS_ANNOTATIONS;
            int n = 0;
            String[] pairs = new String[source.size() * 2];
            for (Map.Entry<String, String> e : source.entrySet()) {
                String keptKey = sharing.keptAnnotation(e.getKey());
                if (keptKey == null) {
                    continue;
                }
                String value = e.getValue();
                if (keptKey.equals(ArgoReplicaSet.REVISION_ANNOTATION) && Canonical.decimal(value, 9)) {
                    revision = Integer.parseInt(value);
                } else if (keptKey.equals(ArgoReplicaSet.DEADLINE_KEY) && Canonical.deadline(value)) {
                    deadlineSeconds = Rfc3339.parse(value).orElseThrow().getEpochSecond();
                    flags |= DEADLINE_PACKED;
                } else {
                    pairs[n++] = keptKey;
                    pairs[n++] = value;
                }
            }
            if (n > 0) {
                kept = java.util.Arrays.copyOf(pairs, n);
            }
        }

        Integer specReplicas = rs.getSpec() == null ? null : rs.getSpec().getReplicas();
        if (specReplicas == null) {
            flags |= REPLICAS_ABSENT;
        }
        ControllerRef controller = controllerOf(meta.getOwnerReferences());
        return new CachedReplicaSet(key, sharing.string(meta.getNamespace()), uidHigh, uidLow, uidText, version,
                versionText, hashText, specReplicas == null ? 0 : specReplicas, revision, deadlineSeconds, kept,
                controller == null ? null : sharing.controller(meta.getNamespace(), controller), meta.getDeletionTimestamp(), flags);
    }

    String name() {
        return namespace == null ? key : key.substring(namespace.length() + 1);
    }

    String uid() {
        return (flags & UID_PACKED) != 0 ? new UUID(uidHigh, uidLow).toString() : uidText;
    }

    String resourceVersion() {
        return (flags & VERSION_PACKED) != 0 ? Long.toString(version) : versionText;
    }

    /** The same resourceVersion as {@code other} (fabric8 tells no change for an update that keeps it). */
    boolean sameVersion(CachedReplicaSet other) {
        return java.util.Objects.equals(resourceVersion(), other.resourceVersion());
    }

    String podTemplateHash() {
        if ((flags & HASH_IS_NAME_SUFFIX) != 0) {
            return key.substring(key.lastIndexOf('-') + 1);
        }
        return hashText;
    }

    /** The kept annotations, or {@code null} when the object had no annotations map. */
    Map<String, String> annotations() {
        if ((flags & HAS_ANNOTATIONS) == 0) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        if (revision != NO_REVISION) {
            map.put(ArgoReplicaSet.REVISION_ANNOTATION, Integer.toString(revision));
        }
        if ((flags & DEADLINE_PACKED) != 0) {
            map.put(ArgoReplicaSet.DEADLINE_KEY, Rfc3339.format(Instant.ofEpochSecond(deadlineSeconds)));
        }
        if (annotations != null) {
            for (int i = 0; i < annotations.length; i += 2) {
                map.put(annotations[i], annotations[i + 1]);
            }
        }
        return map;
    }

    Map<String, String> labels() {
        String hash = podTemplateHash();
        Map<String, String> labels = new HashMap<>(2);
        if (hash != null) {
            labels.put(ArgoReplicaSet.HASH_LABEL, hash);
        }
        return labels;
    }

    /** {@code spec.replicas}, or {@code null} when the object does not say. */
    Integer specReplicas() {
        return (flags & REPLICAS_ABSENT) != 0 ? null : replicas;
    }

    /** The sweeper's model of it: the same as {@code ArgoReplicaSet.of} of the object it was made from. */
    ArgoReplicaSet toArgo() {
        Integer specReplicas = specReplicas();
        return new ArgoReplicaSet(namespace, name(), uid(), resourceVersion(), labels(), annotations(),
                specReplicas == null ? 1 : specReplicas, controller, deletionTimestamp != null);
    }

    /** A ReplicaSet with just the kept fields, for the writes and Events (which name it by uid and resourceVersion). */
    ReplicaSet toReplicaSet() {
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(namespace);
        meta.setName(name());
        meta.setUid(uid());
        meta.setResourceVersion(resourceVersion());
        meta.setDeletionTimestamp(deletionTimestamp);
        meta.setLabels(labels());
        meta.setAnnotations(annotations());
        if (controller != null) {
            OwnerReference ref = new OwnerReference();
            ref.setApiVersion(controller.apiVersion());
            ref.setKind(controller.kind());
            ref.setName(controller.name());
            ref.setUid(controller.uid());
            ref.setController(true);
            meta.setOwnerReferences(List.of(ref));
        }
        ReplicaSet rs = new ReplicaSet();
        rs.setApiVersion("apps/v1");
        rs.setKind("ReplicaSet");
        rs.setMetadata(meta);
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(specReplicas());
        rs.setSpec(spec);
        return rs;
    }

    /**
     * Only namespace, name and resourceVersion: what the informer compares (an update with the same resourceVersion is
     * no change) and reads (the key). The informer asks the store for such an object per event, and for every entry
     * at once after each list ({@code ProcessorStore.syncList} collects {@code values()} to find what was deleted), so
     * it is a ReplicaSet whose metadata is made only when asked for: 100,000 ReplicaSets with their ObjectMeta (four
     * maps and three lists each) would be 65 MB.
     */
    SlimReplicaSet identity() {
        return new Identity(this);
    }

    /** A ReplicaSet that makes its metadata (namespace, name, resourceVersion) from the entry on each call. */
    static final class Identity extends SlimReplicaSet {
        private final transient CachedReplicaSet entry;

        Identity(CachedReplicaSet entry) {
            this.entry = entry;
        }

        @Override
        public ObjectMeta getMetadata() {
            ObjectMeta meta = new ObjectMeta();
            meta.setNamespace(entry.namespace);
            meta.setName(entry.name());
            meta.setResourceVersion(entry.resourceVersion());
            return meta;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.entry == entry;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(entry);
        }
    }

    /** The ownerReference with {@code controller: true}, as {@link ArgoReplicaSet#of} finds it. */
    static ControllerRef controllerOf(List<OwnerReference> refs) {
        if (refs != null) {
            for (OwnerReference ref : refs) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    return new ControllerRef(ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getUid());
                }
            }
        }
        return null;
    }
}
