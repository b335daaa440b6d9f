package dev.deadlineguard.bench;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.ControllerRef;
import dev.deadlineguard.report.ReportWriter;
import dev.deadlineguard.sweep.SkipReason;
import dev.deadlineguard.sweep.SweepDecision;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the report writer keeps per guarded ReplicaSet: N ReplicaSets in the shape of {@code bench/sweeper-pod.sh}
 * (10 per Rollout in 10 namespaces; the nine old revisions wait for a deadline an hour ahead, the newest has none),
 * decided once each as the sweeper decides them, then decided again (a resync), and the live-object histogram
 * before and after, class by class. The Rollouts' controller references and the {@code namespace/name} keys are made
 * before the first histogram, as the sweeper's cache holds them. No API server: the writer only keeps state here, it writes nothing.
 *
 * <p>Usage: {@code ReportWriterMemory [REPLICASETS (default 100000)]}
 */
public final class ReportWriterMemory {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int perRollout = 10;
        Duration grace = Duration.ofSeconds(30);
        Instant now = Instant.now();
        Instant deadline = now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        String deadlineText = deadline.toString();
        List<ControllerRef> controllers = new ArrayList<>();
        for (int r = 0; r < total / perRollout; r++) {
            controllers.add(new ControllerRef(ControllerRef.ROLLOUT_API_VERSION, ControllerRef.ROLLOUT_KIND, "app-" + r,
                    UUID.randomUUID().toString()));
        }
        String[] keys = new String[total];  // the cache's key strings, which it holds anyway
        for (int r = 0; r < controllers.size(); r++) {
            for (int rev = 1; rev <= perRollout; rev++) {
                keys[r * perRollout + rev - 1] = "team-" + (r % 10) + "/app-" + r + "-" + SweeperBenchmark.hash(r, rev);
            }
        }
        ReportWriter writer = new ReportWriter(null, List.of(), grace, List.of(ArgoReplicaSet.DEADLINE_KEY,
                ArgoReplicaSet.DOCUMENTED_KEY), 1000, new PrometheusRegistry());
        HeapHistogram before = HeapHistogram.take();
        long start = System.nanoTime();
        for (int pass = 0; pass < 2; pass++) {
            java.util.Random uids = new java.util.Random(1);
            for (int r = 0; r < controllers.size(); r++) {
                for (int rev = 1; rev <= perRollout; rev++) {
                    boolean newest = rev == perRollout;
                    // new strings for every decision, as the sweeper's cache makes them for each
                    Map<String, String> annotations = newest
                            ? Map.of(ArgoReplicaSet.REVISION_ANNOTATION, Integer.toString(rev))
                            : Map.of(ArgoReplicaSet.REVISION_ANNOTATION, Integer.toString(rev),
                            ArgoReplicaSet.DEADLINE_KEY, new String(deadlineText));
                    ArgoReplicaSet rs = new ArgoReplicaSet("team-" + (r % 10), "app-" + r + "-" + SweeperBenchmark.hash(r, rev),
                            new UUID(uids.nextLong(), uids.nextLong()).toString(), Long.toString(1000 + r * 10L + rev),
                            Map.of(ArgoReplicaSet.HASH_LABEL, SweeperBenchmark.hash(r, rev)), annotations, 3,
                            controllers.get(r), false);
                    SweepDecision decision = newest ? new SweepDecision.Skip(SkipReason.NO_DEADLINE)
                            : new SweepDecision.Wait(deadline.plus(grace));
                    writer.decided(keys[r * perRollout + rev - 1], rs, decision, pass == 0 ? now : now.plusSeconds(60));
                }
            }
            if (pass == 0) {
                System.out.printf("decided %d ReplicaSets in %.0f ms%n", total, (System.nanoTime() - start) / 1e6);
                start = System.nanoTime();
            } else {
                System.out.printf("decided again (same outcome) in %.0f ms%n", (System.nanoTime() - start) / 1e6);
            }
        }
        HeapHistogram after = HeapHistogram.take();
        List<HeapHistogram.Row> growth = before.growthTo(after);
        System.out.printf("the report writer keeps %.1f MiB for %d ReplicaSets: %.0f bytes each%n",
                HeapHistogram.total(growth) / 1048576.0, total, HeapHistogram.total(growth) / (double) total);
        HeapHistogram.print("Kept by the report writer", growth, 12, total);
        java.lang.ref.Reference.reachabilityFence(writer);
    }
}
