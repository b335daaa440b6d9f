package dev.deadlineguard.bench;

import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.sweep.DecisionListener;
import dev.deadlineguard.sweep.KubernetesActions;
import dev.deadlineguard.sweep.RolloutResources;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import dev.deadlineguard.sweep.Sweeper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark, not a test: N guarded ReplicaSets (10 per Rollout, with a realistic pod template) in the
 * fabric8 mock API server; reports the sweeper's initial sync time, heap after sync, and the delay
 * between a deadline passing and the scale-down. Run with {@code bench/sweeper.sh}, which first runs it with
 * {@code -Dbench.baseline=true}: the same lists and watches into stores that keep nothing, whose heap histogram
 * growth (written to {@code -Dbench.baseline.file}) is the mock server's own and is subtracted from the sweeper's.
 */
public final class SweeperBenchmark {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int due = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int perRollout = 10;
        int namespaces = 10;
        java.util.logging.LogManager.getLogManager().reset();  // the mock server logs every request through JUL

        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        KubernetesClient client = server.createClient();

        System.out.printf("populating %d ReplicaSets (%d Rollouts, %d namespaces)...%n", total, total / perRollout, namespaces);
        long populateStart = System.nanoTime();
        String future = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
        MockStore store = new MockStore(dispatcher);
        for (int r = 0; r < total / perRollout; r++) {
            String ns = "team-" + (r % namespaces);
            String name = "app-" + r;
            String uid = store.create("/apis/argoproj.io/v1alpha1/namespaces/" + ns + "/rollouts", rollout(ns, name, perRollout));
            for (int rev = 1; rev <= perRollout; rev++) {
                ReplicaSet rs = replicaSet(ns, name, rev, rev == perRollout ? null : future);
                rs.getMetadata().getOwnerReferences().get(0).setUid(uid);  // owned by uid, as Argo writes it
                store.create("/apis/apps/v1/namespaces/" + ns + "/replicasets", rs);
            }
        }
        System.out.printf("populated in %.1f s%n", (System.nanoTime() - populateStart) / 1e9);

        HeapHistogram histogramBefore = HeapHistogram.take();
        long heapBefore = usedHeap();
        if (System.getProperty("bench.baseline.file") != null && Boolean.getBoolean("bench.baseline")) {
            baseline(server, histogramBefore, total);
            return;
        }
        SweepConfig config = new SweepConfig(List.of("scale-down-deadline"), SweepMode.ENFORCE, false, Duration.ZERO,
                List.of(), Duration.ofSeconds(30));
        KubernetesClient sweeperClient = server.createClient();
        Sweeper sweeper = new Sweeper(sweeperClient, config, new KubernetesActions(sweeperClient, Clock.systemUTC(), "bench"),
                Clock.systemUTC(), new MetricsRegistry(false).sweep(), DecisionListener.NONE);
        long syncStart = System.nanoTime();
        sweeper.startInformers(Duration.ZERO);
        while (!sweeper.cacheCurrent()) {
            Thread.sleep(5);
        }
        double syncSeconds = (System.nanoTime() - syncStart) / 1e9;
        sweeper.runDue();  // the initial decision pass over everything
        double firstPassSeconds = (System.nanoTime() - syncStart) / 1e9;
        HeapHistogram histogramAfter = HeapHistogram.afterMockWatchesDrained(120_000);
        long heapAfter = usedHeap();
        List<HeapHistogram.Row> growth = histogramBefore.growthTo(histogramAfter);
        String baselineFile = System.getProperty("bench.baseline.file");
        boolean net = baselineFile != null && java.nio.file.Files.exists(java.nio.file.Path.of(baselineFile));
        if (net) {
            growth = HeapHistogram.minus(growth, java.nio.file.Path.of(baselineFile));
        }

        // Watch for scale-downs from the outside, as a person with kubectl would.
        Map<String, Long> scaledAt = new ConcurrentHashMap<>();
        SharedIndexInformer<ReplicaSet> observer = client.apps().replicaSets().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
            }

            @Override
            public void onUpdate(ReplicaSet oldRs, ReplicaSet rs) {
                if (rs.getSpec().getReplicas() == 0) {
                    scaledAt.putIfAbsent(rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName(), System.currentTimeMillis());
                }
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean unknown) {
            }
        }, 0);
        sweeper.startWorker();

        // Mark `due` old ReplicaSets with deadlines in three one-second slots after every write has landed, as the
        // controller would.
        Map<String, Long> dueAt = new HashMap<>();
        // Each write to the mock server scans its whole store (about 0.1 s per request at 100,000 objects), so the
        // deadlines are set far enough ahead for all of them to land first.
        long calibrateStart = System.nanoTime();
        client.apps().replicaSets().inNamespace("team-0").withName("app-0-" + hash(0, 2)).edit(rs -> {
            rs.getMetadata().getAnnotations().put("bench/calibration", "1");
            return rs;
        });
        double editSeconds = (System.nanoTime() - calibrateStart) / 1e9;
        long lead = 10 + (long) Math.ceil(editSeconds * due * 1.5);
        Instant base = Instant.now().plusSeconds(lead).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < due; i++) {
            int rollout = i * (total / perRollout) / due;
            String ns = "team-" + (rollout % namespaces);
            String name = "app-" + rollout + "-" + hash(rollout, 1);
            Instant deadline = base.plusMillis((i % 3) * 1000L);
            client.apps().replicaSets().inNamespace(ns).withName(name).edit(rs -> {
                rs.getMetadata().getAnnotations().put("scale-down-deadline", DateTimeFormatter.ISO_INSTANT.format(deadline));
                return rs;
            });
            dueAt.put(ns + "/" + name, deadline.toEpochMilli());
        }
        if (Instant.now().isAfter(base)) {
            System.out.printf("warning: writing the deadlines took longer than %d s; delays include that%n", lead);
        }
        long waitUntil = base.toEpochMilli() + 60_000 + (long) (editSeconds * due * 2000);
        while (scaledAt.size() < due && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(20);
        }
        List<Long> delays = new ArrayList<>();
        dueAt.forEach((key, at) -> {
            Long scaled = scaledAt.get(key);
            if (scaled != null) {
                delays.add(scaled - at);
            }
        });
        Collections.sort(delays);

        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        System.out.printf("| guarded ReplicaSets | %d (%d Rollouts) |%n", total, total / perRollout);
        System.out.printf("| initial sync (ReplicaSet + Rollout informers) | %.2f s |%n", syncSeconds);
        System.out.printf("| sync + first decision pass over all | %.2f s |%n", firstPassSeconds);
        System.out.printf("| heap used after sync (after GC), whole JVM incl. mock server | %.1f MiB |%n", heapAfter / 1048576.0);
        System.out.printf("| heap used after GC, added since start (the sweeper and what the mock server keeps) | %.1f MiB (%.2f KiB per ReplicaSet) |%n",
                (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / total);
        System.out.printf("| live objects added, by heap histogram: total / the sweeper's alone (less a run without it) | %.1f MiB / %s |%n",
                HeapHistogram.total(histogramBefore.growthTo(histogramAfter)) / 1048576.0,
                !net ? "not measured" : String.format("%.1f MiB (%.2f KiB per ReplicaSet)",
                        HeapHistogram.total(growth) / 1048576.0, HeapHistogram.total(growth) / 1024.0 / total));
        System.out.printf("| one read-modify-write of a ReplicaSet in the mock server (GET + PUT) | %.0f ms |%n", editSeconds * 1000);
        System.out.printf("| deadlines passed / scaled down | %d / %d |%n", due, delays.size());
        if (!delays.isEmpty()) {
            System.out.printf("| delay deadline -> scale-down seen by a watcher: min / p50 / p99 / max | %d / %d / %d / %d ms |%n",
                    delays.get(0), delays.get(delays.size() / 2), delays.get(Math.min(delays.size() - 1, (int) Math.ceil(delays.size() * 0.99) - 1)),
                    delays.get(delays.size() - 1));
        }
        if (net) {
            HeapHistogram.print("live objects of the sweeper (GC.class_histogram after sync minus before start, less what "
                    + "the mock server and bare informers keep in a run without the sweeper)", growth,
                    Integer.getInteger("bench.top", 25), total);
        } else {
            HeapHistogram.print("live objects added during sync, the sweeper's and the mock server's (GC.class_histogram "
                    + "after sync minus before start)", growth, Integer.getInteger("bench.top", 25), total);
        }
        observer.close();
        sweeper.close();
        sweeperClient.close();
        client.close();
        server.destroy();
        System.exit(delays.size() == due ? 0 : 1);
    }

    /**
     * The same lists and watches as the sweeper's informers, into stores that keep nothing: what the mock server and
     * fabric8's informer machinery keep alive by themselves, to subtract from the sweeper's figure.
     */
    static void baseline(KubernetesMockServer server, HeapHistogram before, int total) throws Exception {
        KubernetesClient client = server.createClient();
        SharedIndexInformer<ReplicaSet> rs = client.apps().replicaSets().inAnyNamespace().withLabel("rollouts-pod-template-hash")
                .runnableInformer(0);
        rs.itemStore(new Discarding<>());
        rs.removeNamespaceIndex();
        SharedIndexInformer<GenericKubernetesResource> ro = client.genericKubernetesResources(RolloutResources.ROLLOUTS)
                .inAnyNamespace().runnableInformer(0);
        ro.itemStore(new Discarding<>());
        ro.removeNamespaceIndex();
        rs.start();
        ro.start();
        while (!rs.hasSynced() || !ro.hasSynced() || !rs.isWatching() || !ro.isWatching()) {
            Thread.sleep(5);
        }
        HeapHistogram after = HeapHistogram.afterMockWatchesDrained(120_000);
        if (System.getProperty("bench.dump") != null) {
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpHeap(System.getProperty("bench.dump"), true);
        }
        List<HeapHistogram.Row> growth = before.growthTo(after);
        HeapHistogram.print("live objects added by the mock server and the informers alone (GC.class_histogram after "
                + "sync minus before)", growth, Integer.getInteger("bench.top", 25), total);
        HeapHistogram.write(growth, java.nio.file.Path.of(System.getProperty("bench.baseline.file")));
        rs.close();
        ro.close();
        client.close();
        server.destroy();
        System.exit(0);
    }

    /** An informer store that keeps nothing. */
    static final class Discarding<T extends io.fabric8.kubernetes.api.model.HasMetadata>
            implements io.fabric8.kubernetes.client.informers.cache.ItemStore<T> {
        @Override
        public String getKey(T obj) {
            return io.fabric8.kubernetes.client.informers.cache.Cache.metaNamespaceKeyFunc(obj);
        }

        @Override
        public T put(String key, T obj) {
            return null;
        }

        @Override
        public T remove(String key) {
            return null;
        }

        @Override
        public java.util.stream.Stream<String> keySet() {
            return java.util.stream.Stream.empty();
        }

        @Override
        public java.util.stream.Stream<T> values() {
            return java.util.stream.Stream.empty();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public T get(String key) {
            return null;
        }
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String hash(int rollout, int revision) {
        return Integer.toHexString((rollout * 31 + revision) * 2654435 & 0x7fffffff);
    }

    static GenericKubernetesResource rollout(String ns, String name, int revisions) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata().build();
        int id = Integer.parseInt(name.substring(4));
        String stable = hash(id, revisions);
        r.setAdditionalProperty("spec", Map.of("replicas", 3, "strategy", Map.of("canary", Map.of("steps", List.of(Map.of("setWeight", 20))))));
        r.setAdditionalProperty("status", Map.of("stableRS", stable, "currentPodHash", stable, "observedGeneration", "1"));
        return r;
    }

    static ReplicaSet replicaSet(String ns, String rollout, int revision, String deadline) {
        int id = Integer.parseInt(rollout.substring(4));
        String hash = hash(id, revision);
        Map<String, String> annotations = new HashMap<>(Map.of("rollout.argoproj.io/revision", Integer.toString(revision),
                "rollout.argoproj.io/desired-replicas", "3"));
        if (deadline != null) {
            annotations.put("scale-down-deadline", deadline);
        }
        Map<String, String> labels = Map.of("app", rollout, "rollouts-pod-template-hash", hash);
        return new ReplicaSetBuilder()
                .withNewMetadata().withNamespace(ns).withName(rollout + "-" + hash).withLabels(labels).withAnnotations(annotations)
                .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName(rollout)
                .withUid("uid-" + id).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage("ghcr.io/example/" + rollout + ":" + revision)
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
                .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi")).endResources()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new io.fabric8.kubernetes.api.model.IntOrString("http"))
                .endHttpGet().endReadinessProbe()
                .endContainer()
                .endSpec().endTemplate()
                .endSpec().build();
    }
}
