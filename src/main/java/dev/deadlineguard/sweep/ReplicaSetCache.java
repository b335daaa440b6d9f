package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.RolloutState;
import dev.deadlineguard.cluster.ConnectionProblem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sweeper's view of the cluster: informers for Argo-managed ReplicaSets (label
 * {@code rollouts-pod-template-hash}) and for Rollouts, one pair per watched namespace, with an index
 * from a Rollout to its ReplicaSets. The informers list again after {@code 410 Gone} and reconnect with
 * backoff on their own; an informer whose first list fails (the API server is down, the Rollout CRD is
 * not installed yet, RBAC is missing) keeps retrying instead of giving up. {@link #current()} holds only
 * while every informer has listed once and is watching now, so nothing is decided on a cache that missed
 * events.
 *
 * <p>Memory: every replica holds one entry per Argo-managed ReplicaSet of the cluster, so the stores keep only what
 * the rules read ({@link CompactReplicaSetStore}, {@link RolloutStore}), the informers have no indexers (the Rollout
 * index is the store's own), and the first list is read in pages of {@link #LIST_PAGE} (one response with every
 * ReplicaSet would be deserialized whole). The stores tell the {@link Listener} what changed as they apply each list
 * item and watch event (an add, or an update to another resourceVersion, as fabric8's handlers would be told), and
 * the resync is a timer that schedules every cached key: fabric8's handlers and resync queue a notification object
 * per ReplicaSet, 100,000 of them at once after the first list, which no 256 MiB pod holds.
 */
public final class ReplicaSetCache implements AutoCloseable {

    /** Hears changes of the cache, on the informers' thread. */
    public interface Listener {
        /** A ReplicaSet was added or changed, or its Rollout changed: it needs a decision. */
        void changed(String key);

        void removed(String namespace, String name);
    }

    /** Items per page of the informers' lists (the API server's {@code limit}). */
    static final long LIST_PAGE = 500;

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final List<String> guardedKeys;
    private final Duration defaultScaleDownDelay;
    private final List<SharedIndexInformer<SlimReplicaSet>> replicaSets = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> rollouts = new ArrayList<>();
    /** The informers' stores (one per watched namespace, or one for all). */
    private final List<CompactReplicaSetStore> stores = new ArrayList<>();
    private final List<RolloutStore> rolloutStores = new ArrayList<>();
    /** The last failure of each informer's list or watch, by what it lists; cleared when it watches again. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    /** Each informer by what it lists, to clear its failure once it watches again. */
    private final Map<String, SharedIndexInformer<?>> byName = new ConcurrentHashMap<>();

    private record Failure(String text, boolean unreachable) {
    }
    private volatile boolean closed;
    /** Schedules every cached ReplicaSet again each resync period (fabric8's resync would queue a notification each). */
    private java.util.concurrent.ScheduledExecutorService resyncTimer;

    /**
     * @param namespaces            the namespaces to watch, or empty for all
     * @param guardedKeys           the annotation keys the rules read besides the deadline key and the revision
     * @param defaultScaleDownDelay a Rollout's scale-down delay when it does not set one
     */
    public ReplicaSetCache(KubernetesClient client, List<String> namespaces, List<String> guardedKeys,
                           Duration defaultScaleDownDelay) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
        this.guardedKeys = List.copyOf(guardedKeys);
        this.defaultScaleDownDelay = defaultScaleDownDelay;
    }

    public synchronized void start(Duration resync, Listener listener) {
        if (!replicaSets.isEmpty()) {
            return;
        }
        SlimReplicaSet.bindAsSlim(client.getKubernetesSerialization());  // watch events too (see there)
        List<String> scopes = namespaces.isEmpty() ? Collections.singletonList(null) : namespaces;
        for (String ns : scopes) {
            String where = ns == null ? "" : " in " + ns;
            // No resync and no event handlers in fabric8: the stores say what changed (see the class comment).
            // The slim type: only metadata and spec.replicas are bound (see SlimReplicaSet).
            var typed = client.resources(SlimReplicaSet.class, SlimReplicaSet.List.class);
            SharedIndexInformer<SlimReplicaSet> rs = (ns == null
                    ? typed.inAnyNamespace().withLabel(ArgoReplicaSet.HASH_LABEL)
                    : typed.inNamespace(ns).withLabel(ArgoReplicaSet.HASH_LABEL))
                    .withLimit(LIST_PAGE).runnableInformer(0);
            CompactReplicaSetStore store = new CompactReplicaSetStore(guardedKeys, listener);
            rs.itemStore(store);
            rs.removeNamespaceIndex();
            stores.add(store);
            rs.exceptionHandler(retryForever("replicasets.apps" + where));
            byName.put("replicasets.apps" + where, rs);
            SharedIndexInformer<GenericKubernetesResource> ro = (ns == null
                    ? client.genericKubernetesResources(RolloutResources.ROLLOUTS).inAnyNamespace()
                    : client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(ns))
                    .withLimit(LIST_PAGE).runnableInformer(0);
            RolloutStore rolloutStore = new RolloutStore(defaultScaleDownDelay,
                    (namespace, name) -> replicaSetsOf(namespace, name).forEach(listener::changed));
            ro.itemStore(rolloutStore);
            ro.removeNamespaceIndex();
            rolloutStores.add(rolloutStore);
            ro.exceptionHandler(retryForever("rollouts.argoproj.io" + where));
            byName.put("rollouts.argoproj.io" + where, ro);
            replicaSets.add(rs);
            rollouts.add(ro);
        }
        replicaSets.forEach(SharedIndexInformer::start);
        rollouts.forEach(SharedIndexInformer::start);
        if (resync.toMillis() > 0) {
            resyncTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "sweeper-resync");
                thread.setDaemon(true);
                return thread;
            });
            resyncTimer.scheduleWithFixedDelay(() -> keys().forEach(listener::changed), resync.toMillis(),
                    resync.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Every informer retries, whatever failed: controller-runtime's reflectors do the same. The failure is
     * remembered in words for {@link #problem()}, the log and {@code /readyz?verbose}.
     */
    private io.fabric8.kubernetes.client.informers.ExceptionHandler retryForever(String what) {
        return (started, failure) -> {
            if (closed) {
                return false;
            }
            String text = ConnectionProblem.describe(failure);
            if (what.startsWith("rollouts") && text.startsWith("not found (404)")) {
                text += " (is the Argo Rollouts CRD installed?)";
            }
            failures.put(what, new Failure((started ? "watching " : "listing ") + what + ": " + text,
                    ConnectionProblem.unreachable(failure)));
            return true;
        };
    }

    /** Every informer has listed everything once. */
    public boolean hasSynced() {
        return !replicaSets.isEmpty()
                && replicaSets.stream().allMatch(SharedIndexInformer::hasSynced)
                && rollouts.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Synced and watching now: the cache has missed no event (during an outage it may have). */
    public boolean current() {
        boolean current = hasSynced()
                && replicaSets.stream().allMatch(SharedIndexInformer::isWatching)
                && rollouts.stream().allMatch(SharedIndexInformer::isWatching);
        forgetRecovered();
        return current;
    }

    /** No informer fails to reach the API server now (it may fail otherwise, a 404 or a 403). */
    public boolean reachable() {
        forgetRecovered();
        return failures.values().stream().noneMatch(Failure::unreachable);
    }

    private void forgetRecovered() {
        byName.forEach((name, informer) -> {
            if (informer.hasSynced() && informer.isWatching()) {
                failures.remove(name);
            }
        });
    }

    /** Why the cache is not current, in words, or {@code null} when it is. */
    public String problem() {
        if (current()) {
            return null;
        }
        if (!failures.isEmpty()) {
            return String.join("; ", new java.util.TreeMap<>(failures).values().stream().map(Failure::text).toList());
        }
        return replicaSets.isEmpty() ? "not started" : hasSynced() ? "re-establishing watches" : "listing";
    }

    /** The ReplicaSet under {@code namespace/name} with just the fields the cache keeps, or {@code null}. */
    public ReplicaSet replicaSet(String key) {
        CachedReplicaSet entry = entry(key);
        return entry == null ? null : entry.toReplicaSet();
    }

    CachedReplicaSet entry(String key) {
        for (CompactReplicaSetStore store : stores) {
            CachedReplicaSet entry = store.entry(key);
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    /** What the rules read of the Rollout {@code namespace/name}, or {@code null} when the cache has none. */
    public RolloutState rollout(String namespace, String name) {
        String key = namespace + "/" + name;
        for (RolloutStore store : rolloutStores) {
            RolloutState rollout = store.state(key);
            if (rollout != null) {
                return rollout;
            }
        }
        return null;
    }

    /** The ReplicaSets the cache holds whose controller ownerReference names the Rollout, as the rules see them. */
    public List<ArgoReplicaSet> ofRollout(String namespace, String rolloutName) {
        List<ArgoReplicaSet> result = new ArrayList<>();
        for (CompactReplicaSetStore store : stores) {
            result.addAll(store.ofRollout(namespace, rolloutName));
        }
        return result;
    }

    /** The keys of every cached ReplicaSet (the strings the cache keeps). */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (CompactReplicaSetStore store : stores) {
            store.keySet().forEach(keys::add);
        }
        return keys;
    }

    public int size() {
        return stores.stream().mapToInt(CompactReplicaSetStore::size).sum();
    }

    private List<String> replicaSetsOf(String namespace, String rolloutName) {
        List<String> keys = new ArrayList<>();
        for (CompactReplicaSetStore store : stores) {
            keys.addAll(store.keysOfRollout(namespace, rolloutName));
        }
        return keys;
    }

    public static String key(HasMetadata object) {
        return key(object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    public static String key(String namespace, String name) {
        return Objects.requireNonNull(namespace) + "/" + name;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (resyncTimer != null) {
            resyncTimer.shutdownNow();
        }
        replicaSets.forEach(SharedIndexInformer::close);
        rollouts.forEach(SharedIndexInformer::close);
    }
}
