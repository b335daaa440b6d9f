package dev.deadlineguard.sweep;

import dev.deadlineguard.metrics.MetricsRegistry;
import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.deadlineguard.sweep.ArgoObjects.KEY;
import static dev.deadlineguard.sweep.ArgoObjects.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** The sweeper against the fabric8 mock API server in CRUD mode, with a clock the test controls. */
@EnableKubernetesMockClient(crud = true)
class SweeperTest {

    static final Instant T0 = Instant.parse("2024-08-01T16:00:00Z");
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    KubernetesMockServer server;
    KubernetesClient client;
    final MutableClock clock = new MutableClock(T0);
    final MetricsRegistry metrics = new MetricsRegistry(false);
    Sweeper sweeper;

    @AfterEach
    void close() {
        if (sweeper != null) {
            sweeper.close();
        }
    }

    Sweeper start(SweepMode mode, boolean dryRun, ClusterActions actions) {
        SweepConfig config = new SweepConfig(List.of(KEY, "argo-rollouts.argoproj.io/scale-down-deadline"), mode, dryRun,
                Duration.ofSeconds(30), List.of(), Duration.ofSeconds(30));
        sweeper = new Sweeper(client, config, actions, clock, metrics.sweep(), DecisionListener.NONE);
        sweeper.startInformers(Duration.ZERO);
        Eventually.until("informers synced", TIMEOUT, sweeper::cacheCurrent);
        return sweeper;
    }

    Sweeper start(SweepMode mode) {
        return start(mode, false, new KubernetesActions(client, clock, "test"));
    }

    /** Creates the ReplicaSets, their Rollout ownerReferences carrying the uid the server gave that Rollout. */
    void create(ReplicaSet... sets) {
        for (ReplicaSet rs : sets) {
            ArgoObjects.ownedByTheRolloutOnTheServer(client, rs);
            client.apps().replicaSets().inNamespace(NS).resource(rs).create();
        }
    }

    void createRollout(GenericKubernetesResource rollout) {
        client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS).resource(rollout).create();
    }

    ReplicaSet get(String hash) {
        return client.apps().replicaSets().inNamespace(NS).withName("checkout-" + hash).get();
    }

    List<Event> events() {
        return client.v1().events().inNamespace(NS).list().getItems();
    }

    /** Waits until the sweeper's cache has seen every object, then runs what is due. */
    void settleAndRun(int replicaSets) {
        Eventually.until("cache holds " + replicaSets + " ReplicaSets", TIMEOUT,
                () -> client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
                        .allMatch(rs -> cachedVersion(rs.getMetadata().getName()).equals(rs.getMetadata().getResourceVersion())));
        // and every Rollout: one that reaches the cache after the run would enqueue its ReplicaSets again
        Eventually.until("cache holds the Rollouts", TIMEOUT,
                () -> client.genericKubernetesResources(RolloutResources.ROLLOUTS).inNamespace(NS).list().getItems().stream()
                        .allMatch(r -> cachedRollout(r.getMetadata().getName()) != null));
        sweeper.runDue();
    }

    Object cachedRollout(String name) {
        return sweeper.cache().rollout(NS, name);
    }

    String cachedVersion(String name) {
        ReplicaSet cached = sweeperCache(name);
        return cached == null ? "" : cached.getMetadata().getResourceVersion();
    }

    ReplicaSet sweeperCache(String name) {
        return client.apps().replicaSets().inNamespace(NS).withName(name).get() == null ? null
                : cacheLookup(NS + "/" + name);
    }

    ReplicaSet cacheLookup(String key) {
        return sweeper.cache().replicaSet(key);
    }

    String metricsText() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    @Test
    void aPastDeadlineUnreferencedReplicaSetIsScaledToZeroExactlyOnce() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T15:58:00Z"), ArgoObjects.withDeadline("new", 3, 3, null));
        start(SweepMode.ENFORCE);

        settleAndRun(2);
        ReplicaSet old = get("old");
        assertThat(old.getSpec().getReplicas()).isZero();
        assertThat(old.getMetadata().getAnnotations()).doesNotContainKey(KEY).containsEntry("rollout.argoproj.io/revision", "2");
        assertThat(get("new").getSpec().getReplicas()).isEqualTo(3);
        List<Event> events = events();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("ScaledDownPastDeadline");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("checkout-old");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
            assertThat(e.getMessage()).isEqualTo("deadline-guard scaled the ReplicaSet from 3 to 0 replicas: scale-down-deadline "
                    + "2024-08-01T15:58:00Z plus 30s grace has passed and the Rollout no longer references it");
            assertThat(e.getSource().getComponent()).isEqualTo("deadline-guard");
        });

        String version = old.getMetadata().getResourceVersion();
        clock.advance(Duration.ofMinutes(5));
        sweeper.enqueueAll();
        settleAndRun(2);
        assertThat(get("old").getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(events()).hasSize(1);
        assertThat(metricsText()).contains("deadline_guard_sweeper_actions_total{action=\"scale_down\",result=\"done\"} 1.0");
    }

    @Test
    void aFutureDeadlineIsUntouchedUntilDueThenScaled() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T16:10:00Z"), ArgoObjects.withDeadline("new", 3, 3, null));
        start(SweepMode.ENFORCE);

        settleAndRun(2);
        assertThat(get("old").getSpec().getReplicas()).isEqualTo(3);
        assertThat(sweeper.queue().dueOf(NS + "/checkout-old")).contains(Instant.parse("2024-08-01T16:10:30Z"));
        assertThat(sweeper.queue().nextDue()).contains(Instant.parse("2024-08-01T16:10:30Z"));

        clock.advance(Duration.ofMinutes(10));
        sweeper.runDue();
        assertThat(get("old").getSpec().getReplicas()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(30));
        sweeper.runDue();
        assertThat(get("old").getSpec().getReplicas()).isZero();
        assertThat(events()).extracting(Event::getReason).containsExactly("ScaledDownPastDeadline");
    }

    @Test
    void replicaSetsTheRolloutReferencesOrHasJustCreatedAreNeverTouched() {
        createRollout(ArgoObjects.rollout(Map.of(
                "stableRS", "stable", "currentPodHash", "newest",
                "blueGreen", Map.of("activeSelector", "active", "previewSelector", "preview"),
                "canary", Map.of("weights", Map.of("canary", Map.of("weight", 10, "podTemplateHash", "canary"),
                        "stable", Map.of("weight", 90, "podTemplateHash", "stable")))), ArgoObjects.canary()));
        String past = "2024-08-01T15:00:00Z";
        create(ArgoObjects.withDeadline("stable", 1, 3, past), ArgoObjects.withDeadline("active", 2, 3, past),
                ArgoObjects.withDeadline("preview", 3, 3, past), ArgoObjects.withDeadline("canary", 4, 3, past),
                ArgoObjects.withDeadline("newest", 5, 3, past), ArgoObjects.withDeadline("unknown", 6, 3, past),
                ArgoObjects.withDeadline("latest-revision", 7, 3, past));
        start(SweepMode.ENFORCE);

        settleAndRun(7);
        // "latest-revision" stands for a ReplicaSet the controller has just created while the Rollout's status
        // (written at the end of a reconcile) does not name it yet: the newest revision is never touched.
        for (String hash : List.of("stable", "active", "preview", "canary", "newest", "latest-revision")) {
            assertThat(get(hash).getSpec().getReplicas()).as(hash).isEqualTo(3);
            assertThat(get(hash).getMetadata().getAnnotations()).as(hash).containsEntry(KEY, past);
        }
        // The one that nothing references and that is not the newest is scaled: the test is not vacuous.
        assertThat(get("unknown").getSpec().getReplicas()).isZero();
        assertThat(events()).extracting(e -> e.getInvolvedObject().getName()).containsExactly("checkout-unknown");
        assertThat(metricsText())
                .contains("deadline_guard_sweeper_skipped_total{reason=\"referenced_by_rollout\"} 5.0")
                .contains("deadline_guard_sweeper_skipped_total{reason=\"newest_revision\"} 1.0");
    }

    @Test
    void onlyReplicaSetsWhoseControllerReferenceCarriesTheRolloutsUidAreScaledDown() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        String overdue = "2024-08-01T15:00:00Z";
        ReplicaSet otherUid = ArgoObjects.withDeadline("other-uid", 1, 2, overdue);
        otherUid.getMetadata().getOwnerReferences().get(0).setUid("uid-of-a-deleted-rollout");
        ReplicaSet noOwner = ArgoObjects.withDeadline("no-owner", 1, 2, overdue);
        noOwner.getMetadata().setOwnerReferences(List.of());
        ReplicaSet deployment = ArgoObjects.withDeadline("deployment", 1, 2, overdue);
        deployment.getMetadata().getOwnerReferences().get(0).setApiVersion("apps/v1");
        deployment.getMetadata().getOwnerReferences().get(0).setKind("Deployment");
        create(ArgoObjects.withDeadline("same-uid", 2, 2, overdue), otherUid, noOwner, deployment,
                ArgoObjects.withDeadline("new", 3, 3, null));
        assertThat(otherUid.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("uid-of-a-deleted-rollout");
        start(SweepMode.ENFORCE);

        settleAndRun(5);
        assertThat(get("same-uid").getSpec().getReplicas()).isZero();
        assertThat(get("other-uid").getSpec().getReplicas()).isEqualTo(2);
        assertThat(get("no-owner").getSpec().getReplicas()).isEqualTo(2);
        assertThat(get("deployment").getSpec().getReplicas()).isEqualTo(2);
        assertThat(events()).extracting(e -> e.getInvolvedObject().getName()).containsExactly("checkout-same-uid");
        assertThat(metricsText())
                .contains("deadline_guard_sweeper_skipped_total{reason=\"owned_by_another_rollout\"} 1.0")
                .contains("deadline_guard_sweeper_skipped_total{reason=\"orphan\"} 1.0")
                .contains("deadline_guard_sweeper_skipped_total{reason=\"owner_not_a_rollout\"} 1.0");
    }

    @Test
    void aLaggingRolloutStatusOrAMissingRolloutMeansNoAction() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new"), ArgoObjects.canary(), 1, "0"));
        create(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T15:00:00Z"), ArgoObjects.withDeadline("new", 3, 3, null));
        ReplicaSet orphan = ArgoObjects.withDeadline("orphan", 1, 2, "2024-08-01T15:00:00Z");
        orphan.getMetadata().getOwnerReferences().get(0).setName("gone");
        create(orphan);
        start(SweepMode.ENFORCE);

        settleAndRun(3);
        assertThat(get("old").getSpec().getReplicas()).isEqualTo(3);
        assertThat(get("orphan").getSpec().getReplicas()).isEqualTo(2);
        assertThat(events()).isEmpty();
        assertThat(metricsText())
                .contains("deadline_guard_sweeper_skipped_total{reason=\"rollout_status_stale\"} 1.0")
                .contains("deadline_guard_sweeper_skipped_total{reason=\"rollout_missing\"} 1.0");
        assertThat(sweeper.queue().dueOf(NS + "/checkout-old")).contains(T0.plusSeconds(30));
    }

    @Test
    void blankAndInvalidValuesAreRepairedInRepairMode() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.blueGreen(45)));
        create(ArgoObjects.withDeadline("blank", 1, 3, ""), ArgoObjects.withDeadline("invalid", 2, 2, "tomorrow"),
                ArgoObjects.withDeadline("overdue", 3, 1, "2024-08-01T15:00:00Z"), ArgoObjects.withDeadline("new", 4, 3, null));
        start(SweepMode.REPAIR);

        settleAndRun(4);
        assertThat(get("blank").getMetadata().getAnnotations()).containsEntry(KEY, "2024-08-01T16:00:45Z");
        assertThat(get("blank").getSpec().getReplicas()).isEqualTo(3);
        assertThat(get("invalid").getMetadata().getAnnotations()).containsEntry(KEY, "2024-08-01T16:00:45Z");
        assertThat(get("overdue").getSpec().getReplicas()).as("repair mode does not scale").isEqualTo(1);
        assertThat(events()).extracting(Event::getReason).containsExactlyInAnyOrder(
                "RepairedScaleDownDeadline", "RepairedScaleDownDeadline", "ScaleDownDeadlineOverdue");
        assertThat(events()).filteredOn(e -> e.getInvolvedObject().getName().equals("checkout-blank")).singleElement()
                .extracting(Event::getMessage).isEqualTo("deadline-guard replaced the blank scale-down-deadline with "
                        + "2024-08-01T16:00:45Z so that Argo Rollouts scales the ReplicaSet (3 replicas) down; "
                        + "upgrade Argo Rollouts to v1.7.2 or later");
    }

    @Test
    void reportModeOnlyReportsOnce() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("blank", 1, 3, ""), ArgoObjects.withDeadline("overdue", 2, 3, "2024-08-01T15:00:00Z"),
                ArgoObjects.withDeadline("new", 3, 3, null));
        start(SweepMode.REPORT);

        settleAndRun(3);
        sweeper.enqueueAll();
        sweeper.runDue();
        assertThat(get("blank").getMetadata().getAnnotations()).containsEntry(KEY, "");
        assertThat(get("overdue").getSpec().getReplicas()).isEqualTo(3);
        assertThat(events()).extracting(Event::getReason)
                .containsExactlyInAnyOrder("ScaleDownDeadlineBroken", "ScaleDownDeadlineOverdue");
        assertThat(metricsText())
                .contains("deadline_guard_sweeper_reported_total{problem=\"stuck\"} 2.0")
                .contains("deadline_guard_sweeper_reported_total{problem=\"overdue\"} 2.0");
    }

    @Test
    void dryRunChangesNothing() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("blank", 1, 3, ""), ArgoObjects.withDeadline("overdue", 2, 3, "2024-08-01T15:00:00Z"),
                ArgoObjects.withDeadline("new", 3, 3, null));
        String blankVersion = get("blank").getMetadata().getResourceVersion();
        String overdueVersion = get("overdue").getMetadata().getResourceVersion();
        start(SweepMode.ENFORCE, true, new KubernetesActions(client, clock, "test"));

        settleAndRun(3);
        assertThat(get("blank").getMetadata().getResourceVersion()).isEqualTo(blankVersion);
        assertThat(get("overdue").getMetadata().getResourceVersion()).isEqualTo(overdueVersion);
        assertThat(events()).isEmpty();
        assertThat(sweeper.tally().acted()).isEqualTo(Map.of(
                "would scale_down", List.of(NS + "/checkout-overdue"), "would repair", List.of(NS + "/checkout-blank")));
        assertThat(metricsText()).contains("deadline_guard_sweeper_actions_total{action=\"scale_down\",result=\"dry_run\"} 1.0");
    }

    @Test
    void aConflictLeadsToAReReadAndANewDecision() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T15:00:00Z"), ArgoObjects.withDeadline("new", 3, 3, null));
        KubernetesActions real = new KubernetesActions(client, clock, "test");
        int[] rereads = {0};
        ClusterActions racing = new ClusterActions() {
            boolean raced;

            @Override
            public Result scaleDown(ReplicaSet decidedOn, List<String> guardedKeys) {
                if (!raced) {
                    raced = true;  // someone else changes the ReplicaSet between the decision and the write
                    client.apps().replicaSets().inNamespace(NS).withName("checkout-old")
                            .edit(rs -> { rs.getMetadata().getAnnotations().put("touched", "yes"); return rs; });
                }
                return real.scaleDown(decidedOn, guardedKeys);
            }

            @Override
            public Result writeDeadline(ReplicaSet decidedOn, String key, String value) {
                return real.writeDeadline(decidedOn, key, value);
            }

            @Override
            public ReplicaSet reread(String namespace, String name) {
                rereads[0]++;
                return real.reread(namespace, name);
            }

            @Override
            public void event(ReplicaSet rs, String type, String reason, String message) {
                real.event(rs, type, reason, message);
            }
        };
        start(SweepMode.ENFORCE, false, racing);

        settleAndRun(2);
        ReplicaSet old = get("old");
        assertThat(rereads[0]).isEqualTo(1);
        assertThat(old.getSpec().getReplicas()).isZero();
        assertThat(old.getMetadata().getAnnotations()).containsEntry("touched", "yes").doesNotContainKey(KEY);
        assertThat(metricsText())
                .contains("deadline_guard_sweeper_actions_total{action=\"scale_down\",result=\"conflict\"} 1.0")
                .contains("deadline_guard_sweeper_actions_total{action=\"scale_down\",result=\"done\"} 1.0");
    }

    @Test
    void apiFailuresBackOffAndChangeNothing() {
        createRollout(ArgoObjects.rollout(Map.of("stableRS", "new", "currentPodHash", "new"), ArgoObjects.canary()));
        create(ArgoObjects.withDeadline("old", 2, 3, "2024-08-01T15:00:00Z"), ArgoObjects.withDeadline("new", 3, 3, null));
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").withRequestTimeout(2000).withConnectionTimeout(2000)
                .withRequestRetryBackoffLimit(0).build()).build()) {
            start(SweepMode.ENFORCE, false, new KubernetesActions(unreachable, clock, "test"));

            settleAndRun(2);
            assertThat(get("old").getSpec().getReplicas()).isEqualTo(3);
            assertThat(events()).isEmpty();
            Instant retry = sweeper.queue().dueOf(NS + "/checkout-old").orElseThrow();
            assertThat(retry).isBetween(T0.plusSeconds(1), T0.plusMillis(1200));

            clock.advance(Duration.ofMillis(1300));
            sweeper.runDue();
            Instant second = sweeper.queue().dueOf(NS + "/checkout-old").orElseThrow();
            assertThat(Duration.between(clock.instant(), second)).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2400));
            assertThat(metricsText()).contains("deadline_guard_sweeper_errors_total{operation=\"patch\"} 2.0");
        }
    }

    @Test
    void nothingIsDecidedBeforeTheInformersSync() {
        SweepConfig config = new SweepConfig(List.of(KEY), SweepMode.ENFORCE, false, Duration.ofSeconds(30), List.of(),
                Duration.ofSeconds(30));
        Sweeper unsynced = new Sweeper(client, config, new KubernetesActions(client, clock, "test"), clock, metrics.sweep(),
                DecisionListener.NONE);
        unsynced.queue().schedule(NS + "/checkout-old", T0);
        assertThat(unsynced.runDue()).isZero();
        assertThat(unsynced.queue().size()).isEqualTo(1);
    }
}
