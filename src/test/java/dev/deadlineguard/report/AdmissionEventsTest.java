package dev.deadlineguard.report;

import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.Samples;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class AdmissionEventsTest {

    KubernetesMockServer server;
    KubernetesClient client;

    List<Event> events() {
        return client.v1().events().inNamespace("shop").list().getItems();
    }

    @Test
    void repairsAndDenialsBecomeEventsButDryRunsAndAllowsDoNot() throws Exception {
        AdmissionReviewer reviewer = new AdmissionReviewer(GuardConfig.defaults());
        try (AdmissionEvents events = new AdmissionEvents(client, Clock.systemUTC(), "replica-a", new PrometheusRegistry())) {
            ReviewResult repaired = reviewer.review(Endpoint.MUTATE, Samples.bytes("04-blanked"));
            ReviewResult denied = reviewer.review(Endpoint.VALIDATE, Samples.bytes("10-dropped-by-other"));
            ReviewResult allowed = reviewer.review(Endpoint.MUTATE, Samples.bytes("01-unchanged"));
            var dryRunReview = Samples.json("04-blanked");
            ((com.fasterxml.jackson.databind.node.ObjectNode) dryRunReview.get("request")).put("dryRun", true);
            ReviewResult dryRun = reviewer.review(Endpoint.MUTATE, Json.MAPPER.writeValueAsBytes(dryRunReview));

            events.reviewed(Endpoint.MUTATE, repaired);
            events.reviewed(Endpoint.VALIDATE, denied);
            events.reviewed(Endpoint.MUTATE, allowed);
            events.reviewed(Endpoint.MUTATE, dryRun);
            Eventually.until("two events", Duration.ofSeconds(10), () -> events().size() >= 2);
        }
        assertThat(events()).hasSize(2);
        assertThat(events()).extracting(Event::getReason)
                .containsExactlyInAnyOrder("ScaleDownDeadlineRepaired", "ScaleDownDeadlineChangeDenied");
        Event repair = events().stream().filter(e -> e.getReason().equals("ScaleDownDeadlineRepaired")).findFirst().orElseThrow();
        assertThat(repair.getInvolvedObject().getName()).isEqualTo("checkout-6d8f7b9c4d");
        assertThat(repair.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
        assertThat(repair.getType()).isEqualTo("Warning");
        assertThat(repair.getMessage()).isEqualTo("scale-down-deadline on ReplicaSet shop/checkout-6d8f7b9c4d was blanked "
                + "(\"2024-08-01T15:13:36Z\" -> \"\"); deadline-guard restored \"2024-08-01T15:13:36Z\"");
        assertThat(repair.getReportingInstance()).isEqualTo("replica-a");
    }
}
